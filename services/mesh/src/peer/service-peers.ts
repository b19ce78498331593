import type { InstanceRecord } from "../protocol/mod.js";
import type { PeerConnection } from "./peer-connection.js";
import { chooseSubset } from "./subset.js";

export interface ServicePeersOptions {
  service: string;
  /** Seeds this caller's subset, so different callers spread over different instances. */
  seed: string;
  /** Most connections kept to instances of the service: its cost in sockets is bounded by this. */
  subsetSize: number;
  /** How long a connection may take to come up (or back) before its instance is set aside. */
  connectTimeoutMs: number;
  open: (record: InstanceRecord) => PeerConnection;
  /** Whether an instance may be dialled at all (with CURVE: its record names its key). */
  dialable: (record: InstanceRecord) => boolean;
  /**
   * An instance was set aside as unreachable: every time (for counting), `first` only the first
   * time for that instance (for logging once).
   */
  onUnreachable: (record: InstanceRecord, reason: UnreachableReason, detail: string, first: boolean) => void;
}

/** Why an instance was set aside: ZeroMQ refused its endpoint, its host refused us, or nothing answered in time. */
export type UnreachableReason = "invalid_endpoint" | "connect_refused" | "connect_timeout";

/** First rest for an unreachable instance; doubles each time, up to MAX_SET_ASIDE_MS. */
const BASE_SET_ASIDE_MS = 5000;
const MAX_SET_ASIDE_MS = 60_000;

/**
 * The connections one caller keeps to one service: a bounded subset of its instances (see
 * chooseSubset). An instance whose connection never comes up is closed and set aside with a
 * growing rest, and its place goes to another; every structure here is bounded by the directory.
 */
export class ServicePeers {
  readonly #connections = new Map<string, PeerConnection>();
  readonly #setAside = new Map<string, { until: number; times: number }>();
  readonly #reported = new Set<string>();

  constructor(private readonly options: ServicePeersOptions) {}

  get connections(): Iterable<PeerConnection> {
    return this.#connections.values();
  }

  get size(): number {
    return this.#connections.size;
  }

  /** Brings the subset in line with the directory's instances of the service, as of `now`. */
  refresh(instances: readonly InstanceRecord[], now: number): void {
    const records = new Map(instances.map((record) => [record.instanceId, record]));
    for (const [id, connection] of this.#connections) {
      const record = records.get(id);
      if (record === undefined || record.endpoint !== connection.record.endpoint) this.#drop(id);
      else if (connection.unreachable(now, this.options.connectTimeoutMs)) this.#setAsideFor(connection, now);
      else connection.record = record;
    }
    for (const id of [...this.#setAside.keys()]) {
      if (!records.has(id)) this.#setAside.delete(id);
    }
    for (const id of [...this.#reported]) if (!records.has(id)) this.#reported.delete(id);

    const eligible = [...records.values()]
      .filter((record) => this.options.dialable(record))
      .map((record) => record.instanceId)
      .filter((id) => (this.#setAside.get(id)?.until ?? 0) <= now);
    const subset = chooseSubset(
      eligible,
      new Set(this.#connections.keys()),
      this.options.subsetSize,
      this.options.seed,
    );
    for (const id of subset) {
      const record = records.get(id);
      if (record && !this.#connections.has(id)) this.#connections.set(id, this.options.open(record));
    }
  }

  close(): void {
    for (const id of [...this.#connections.keys()]) this.#drop(id);
  }

  #setAsideFor(connection: PeerConnection, now: number): void {
    const { instanceId } = connection;
    const times = (this.#setAside.get(instanceId)?.times ?? 0) + 1;
    const restMs = Math.min(MAX_SET_ASIDE_MS, BASE_SET_ASIDE_MS * 2 ** (times - 1));
    this.#setAside.set(instanceId, { until: now + restMs, times });
    const { failure, connectRetries } = connection.channel;
    const first = !this.#reported.has(instanceId);
    this.#reported.add(instanceId);
    this.options.onUnreachable(
      connection.record,
      failure ? "invalid_endpoint" : connectRetries > 0 ? "connect_refused" : "connect_timeout",
      failure ?? `no connection (${connectRetries} attempts refused or unanswered)`,
      first,
    );
    this.#drop(instanceId);
  }

  #drop(instanceId: string): void {
    this.#connections.get(instanceId)?.close();
    this.#connections.delete(instanceId);
  }
}
