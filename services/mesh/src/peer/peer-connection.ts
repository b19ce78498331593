import { CallFailure } from "../errors.js";
import type { Headers, InstanceRecord } from "../protocol/mod.js";
import {
  type ConnectionState,
  DealerChannel,
  type DealerChannelOptions,
} from "../transport/dealer-channel.js";
import { InstanceHealth } from "./instance-health.js";
import { LatencyEstimate } from "./latency-estimate.js";
import { type AttemptEvents, misdirected, PeerAttempt } from "./peer-attempt.js";
import type { Candidate } from "./peer-choice.js";

export interface PeerConnectionEvents {
  onStateChange: (connection: PeerConnection, state: ConnectionState) => void;
  /** A request passed its budget: the instance is out of choice until it answers. */
  onOverdue: (connection: PeerConnection) => void;
  /** The instance was rested for `restMs`: after failures, or for answering as something else. */
  onEjected: (connection: PeerConnection, restMs: number, reason: "failures" | "misdirected") => void;
}

type RequestHeader = Omit<Headers["REQUEST"], "id">;

/**
 * A caller's link to one instance: its own DEALER (so we choose the instance, not ZeroMQ's round
 * robin), how long it takes to answer each job, and our own verdict on its health. A dropped
 * connection, an overdue reply or a run of failures takes the instance out of choice at once,
 * without waiting for the mapper to expire it.
 */
export class PeerConnection {
  readonly channel: DealerChannel;
  readonly health = new InstanceHealth();
  readonly #latency = new Map<string, LatencyEstimate>();

  constructor(
    public record: InstanceRecord,
    options: Omit<DealerChannelOptions, "onConnectionChange" | "failPendingOnDisconnect" | "batching">,
    private readonly events: PeerConnectionEvents,
  ) {
    this.channel = new DealerChannel(record.endpoint, {
      ...options,
      failPendingOnDisconnect: true,
      batching: true,
      onConnectionChange: (state) => events.onStateChange(this, state),
    });
  }

  get instanceId(): string {
    return this.record.instanceId;
  }

  /** True when a new request may go here now: connected (or connecting) and trusted by us. */
  available(now: number): boolean {
    return this.reachable(now) && this.health.available(now, this.channel.inFlight);
  }

  /**
   * Connected (or connecting) and not rested, though perhaps suspect (a reply overdue): a last
   * resort, better than no instance at all when every other one is worse.
   */
  reachable(now: number): boolean {
    const { state } = this.channel;
    if (state === "down" || state === "failed") return false;
    if (state === "connecting" && this.channel.connectRetries > 0) return false;
    return !this.health.resting(now);
  }

  /**
   * True when the instance cannot be reached at all: ZeroMQ refused its endpoint, its first
   * connection was refused, or no connection came up (or came back) within `connectTimeoutMs`.
   * Such an instance is set aside for a while.
   */
  unreachable(now: number, connectTimeoutMs: number): boolean {
    const { state, stateSince, connectRetries } = this.channel;
    if (state === "failed" || (state === "connecting" && connectRetries > 0)) return true;
    return state !== "up" && now - stateSince > connectTimeoutMs;
  }

  /** How long `job` may take here before it counts as overdue; undefined while we know too little. */
  overdueAfterMs(job: string, floorMs: number): number | undefined {
    return this.#latency.get(job)?.overdueAfterMs(floorMs);
  }

  /** This instance as a choice for `job`; `clock` is performance.now(), to tell a fresh latency from a stale one. */
  asCandidate(job: string, clock: number): Candidate & { connection: PeerConnection } {
    const { load } = this.record;
    const slots = load.jobs[job];
    const candidate: Candidate & { connection: PeerConnection } = {
      instanceId: this.record.instanceId,
      state: this.record.state,
      utilization: slots ? slots.used / slots.slots : load.utilization,
      capacity: slots?.slots ?? load.capacity,
      inFlight: this.channel.inFlight,
      connection: this,
    };
    const latencyMs = this.#latency.get(job)?.guideMs(clock, candidate.inFlight);
    if (latencyMs !== undefined) candidate.latencyMs = latencyMs;
    return candidate;
  }

  /**
   * Sends one REQUEST for `call`; its answer, or its failure, updates this instance's latency and
   * health before `call` hears of it.
   */
  send(
    header: RequestHeader,
    payload: Uint8Array,
    budgetMs: number | undefined,
    call: AttemptEvents,
  ): PeerAttempt {
    const attempt = new PeerAttempt(this.instanceId, header.job, budgetMs, this.#attemptEvents, call);
    this.channel.send("REQUEST", header, header.timeoutMs, attempt, payload);
    return attempt;
  }

  /** One listener for all of this connection's attempts (not a closure per request). */
  readonly #attemptEvents: AttemptEvents = {
    overdue: () => {
      this.health.markOverdue();
      this.events.onOverdue(this);
    },
    settled: (attempt, outcome) => {
      if (outcome.ok && misdirected(outcome.reply)) {
        this.events.onEjected(this, this.health.eject(Date.now(), attempt.isOverdue), "misdirected");
      } else if (outcome.ok) {
        if (outcome.reply.type === "REPLY") {
          const now = performance.now();
          this.#estimate(attempt.job).observe(now - attempt.startedAt, now);
        }
        this.health.recordSuccess(attempt.isOverdue);
      } else if (outcome.failure.code === CallFailure.CLOSED) {
        this.health.forget(attempt.isOverdue);
      } else {
        const restMs = this.health.recordFailure(Date.now(), attempt.isOverdue);
        if (restMs !== undefined) this.events.onEjected(this, restMs, "failures");
      }
    },
  };

  close(): void {
    this.channel.close();
  }

  #estimate(job: string): LatencyEstimate {
    let estimate = this.#latency.get(job);
    if (!estimate) {
      estimate = new LatencyEstimate();
      this.#latency.set(job, estimate);
    }
    return estimate;
  }
}
