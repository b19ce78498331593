import { DealerChannel, type Load } from "@zmesh/mesh";

/** What an outsider registers: any service, instance id and endpoint it likes. */
export interface FakeRecord {
  service: string;
  instanceId: string;
  endpoint: string;
  metricsAddress?: string;
}

/** An idle image worker's load, as a hostile record claims it: P2C likes such an instance. */
export const IDLE_RENDER_LOAD: Load = {
  inFlight: 0,
  queued: 0,
  capacity: 4,
  utilization: 0,
  jobs: { render: { used: 0, slots: 4 } },
  latencyMs: 5,
  served: 0,
  refused: 0,
};

/** Requests in flight on the control channel at once: below its send high-water mark (1,000). */
const CONCURRENCY = 200;

/**
 * Members that exist only as records, kept alive by heartbeats (the bench's counterpart of the
 * mesh tests' FakeMembers, which are compiled for jest and cannot be loaded from an ES module).
 * Heartbeats are spread over the interval, so thousands of records never burst past the HWM.
 */
export class FakeRecords {
  readonly #control: DealerChannel;
  readonly #registered: string[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    mapperEndpoint: string,
    private readonly load: Load = IDLE_RENDER_LOAD,
  ) {
    this.#control = new DealerChannel(mapperEndpoint, { onMalformed: () => {} });
  }

  /** Registers every record, a bounded number at a time; resolves with how many the mapper acknowledged. */
  async register(records: readonly FakeRecord[]): Promise<number> {
    let acks = 0;
    for (let start = 0; start < records.length; start += CONCURRENCY) {
      const answers = await Promise.all(
        records.slice(start, start + CONCURRENCY).map(async (record) => {
          const reply = await this.#control.request("REGISTER", { ...record, load: this.load }, 10_000);
          return reply.type === "ACK" ? record.instanceId : undefined;
        }),
      );
      for (const id of answers) if (id !== undefined) this.#registered.push(id);
      acks += answers.filter((id) => id !== undefined).length;
    }
    return acks;
  }

  /** Heartbeats every registered record once per interval, in ten slices, so none is ever expired. */
  keepAlive(intervalMs: number): this {
    const slices = 10;
    let slice = 0;
    this.#timer = setInterval(() => {
      for (let i = slice; i < this.#registered.length; i += slices) {
        const instanceId = this.#registered[i] as string;
        this.#control.request("HEARTBEAT", { instanceId, load: this.load }, intervalMs).catch(() => {});
      }
      slice = (slice + 1) % slices;
    }, intervalMs / slices);
    return this;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#control.close();
  }
}
