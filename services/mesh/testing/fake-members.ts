import { Router } from "zeromq";
import { MeshError } from "../src/errors.js";
import type { Load } from "../src/protocol/mod.js";
import { DealerChannel } from "../src/transport/dealer-channel.js";
import { sampleLoad } from "./fixtures.js";

export interface FakeRecord {
  service: string;
  instanceId: string;
  endpoint: string;
}

/**
 * Members that exist only as records: an outsider who REGISTERs instances (with whatever endpoint
 * it likes) and keeps them alive with heartbeats claiming an idle load. For hostile-peer tests.
 */
/** Heartbeats a fleet keeps in flight at once. */
const IN_FLIGHT = 200;

export class FakeMembers {
  readonly #control: DealerChannel;
  readonly #records: FakeRecord[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    mapperEndpoint: string,
    private readonly load: Load = sampleLoad({
      jobs: { echo: { used: 0, slots: 4 }, sleep: { used: 0, slots: 4 } },
    }),
  ) {
    this.#control = new DealerChannel(mapperEndpoint, { onMalformed: () => {} });
  }

  /**
   * Registers each record; resolves with the mapper's answers in order: ACK, the ERROR's code, or
   * the failure's code when no answer came (a fleet under test must not stop at one lost message).
   */
  async register(records: readonly FakeRecord[]): Promise<string[]> {
    const answers: string[] = [];
    for (const record of records) {
      const answer = await this.#control.request("REGISTER", { ...record, load: this.load }, 5000).then(
        (reply) => (reply.type === "ERROR" ? reply.header.code : reply.type),
        (error: unknown) => (error instanceof MeshError ? error.code : "SEND_FAILED"),
      );
      answers.push(answer);
      if (answer === "ACK") this.#records.push(record);
    }
    return answers;
  }

  /**
   * Heartbeats every registered record each interval, so the mapper never expires them; at most
   * IN_FLIGHT at once, so thousands of records do not overflow the socket's send queue.
   */
  keepAlive(intervalMs: number): this {
    let beating = false;
    this.#timer = setInterval(async () => {
      if (beating) return;
      beating = true;
      const queue = [...this.#records];
      const lane = async () => {
        for (let record = queue.shift(); record; record = queue.shift()) {
          const heartbeat = { instanceId: record.instanceId, load: this.load };
          await this.#control.request("HEARTBEAT", heartbeat, intervalMs).catch(() => {});
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
      beating = false;
    }, intervalMs);
    return this;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#control.close();
  }
}

/** A job endpoint that accepts connections and requests but never answers: a silent instance. */
export class SilentEndpoint {
  readonly #router = new Router({ linger: 0 });
  received = 0;
  endpoint = "";

  static async start(): Promise<SilentEndpoint> {
    const silent = new SilentEndpoint();
    await silent.#router.bind("tcp://127.0.0.1:*");
    silent.endpoint = silent.#router.lastEndpoint as string;
    void silent.#drain();
    return silent;
  }

  async #drain(): Promise<void> {
    try {
      for await (const _ of this.#router) this.received++;
    } catch {
      // closed
    }
  }

  close(): void {
    this.#router.close();
  }
}
