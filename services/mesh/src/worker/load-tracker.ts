import type { Load } from "../protocol/mod.js";
import type { BoundedJobQueue } from "./job-queue.js";

/** Weight of the newest sample in the latency mean: about the last ten jobs count. */
const LATENCY_SMOOTHING = 0.2;

/** Derives the load a worker reports from its queues and an exponentially weighted job latency. */
export class LoadTracker {
  #latencyMs = 0;

  constructor(private readonly queues: Iterable<BoundedJobQueue>) {}

  recordLatency(ms: number): void {
    this.#latencyMs =
      this.#latencyMs === 0 ? ms : this.#latencyMs + LATENCY_SMOOTHING * (ms - this.#latencyMs);
  }

  current(): Load {
    let inFlight = 0;
    let queued = 0;
    let capacity = 0;
    for (const queue of this.queues) {
      inFlight += queue.inFlight;
      queued += queue.queued;
      capacity += queue.size;
    }
    capacity = Math.max(capacity, 1);
    return {
      inFlight,
      queued,
      capacity,
      utilization: (inFlight + queued) / capacity,
      latencyMs: round(this.#latencyMs),
    };
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
