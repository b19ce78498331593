import type { InstanceRecord } from "../protocol/mod.js";
import {
  type ConnectionState,
  DealerChannel,
  type DealerChannelOptions,
} from "../transport/dealer-channel.js";
import type { Candidate } from "./peer-choice.js";

/** Consecutive failures (timeouts, refused sends) after which a caller stops using an instance. */
export const EJECT_AFTER_FAILURES = 3;
/** How long an ejected instance rests before it is tried again. */
export const EJECTION_MS = 5000;

/**
 * A caller's link to one instance: its own DEALER (so we choose the instance, not ZeroMQ's
 * round robin), what the connection is doing, and a local record of failures. A dropped
 * connection or a run of failures takes the instance out of rotation at once, without waiting
 * for the mapper to expire it.
 */
export class PeerConnection {
  readonly channel: DealerChannel;
  #failures = 0;
  #ejectedUntil = 0;

  constructor(
    public record: InstanceRecord,
    options: Omit<DealerChannelOptions, "onConnectionChange" | "failPendingOnDisconnect">,
    onStateChange: (connection: PeerConnection, state: ConnectionState) => void,
  ) {
    this.channel = new DealerChannel(record.endpoint, {
      ...options,
      failPendingOnDisconnect: true,
      onConnectionChange: (state) => onStateChange(this, state),
    });
  }

  available(now: number): boolean {
    return this.channel.state !== "down" && now >= this.#ejectedUntil;
  }

  asCandidate(job: string): Candidate & { connection: PeerConnection } {
    const { load } = this.record;
    const slots = load.jobs[job];
    return {
      instanceId: this.record.instanceId,
      state: this.record.state,
      utilization: slots ? slots.used / slots.slots : load.utilization,
      capacity: slots?.slots ?? load.capacity,
      inFlight: this.channel.inFlight,
      connection: this,
    };
  }

  recordSuccess(): void {
    this.#failures = 0;
  }

  /** Returns true when this failure ejected the instance. */
  recordFailure(now: number): boolean {
    this.#failures++;
    if (this.#failures < EJECT_AFTER_FAILURES) return false;
    this.#failures = 0;
    this.#ejectedUntil = now + EJECTION_MS;
    return true;
  }

  close(): void {
    this.channel.close();
  }
}
