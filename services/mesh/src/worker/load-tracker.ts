import type { Load } from "../protocol/mod.js";
import type { BoundedJobQueue } from "./job-queue.js";

/** Weight of the newest sample in the latency mean: about the last ten jobs count. */
const LATENCY_SMOOTHING = 0.2;

/** Derives the load a worker reports from its queues and an exponentially weighted job latency. */
export class LoadTracker {
  #latencyMs = 0;
  #served = 0;
  #refused = 0;

  constructor(private readonly queues: ReadonlyMap<string, BoundedJobQueue>) {}

  recordServed(): void {
    this.#served++;
  }

  recordRefused(): void {
    this.#refused++;
  }

  recordLatency(ms: number): void {
    this.#latencyMs =
      this.#latencyMs === 0 ? ms : this.#latencyMs + LATENCY_SMOOTHING * (ms - this.#latencyMs);
  }

  current(): Load {
    let inFlight = 0;
    let queued = 0;
    let capacity = 0;
    let utilization = 0;
    const jobs: Load["jobs"] = {};
    for (const [job, queue] of this.queues) {
      inFlight += queue.inFlight;
      queued += queue.queued;
      capacity += queue.size;
      const used = queue.inFlight + queue.queued;
      jobs[job] = { used, slots: queue.size };
      utilization = Math.max(utilization, used / queue.size);
    }
    return {
      inFlight,
      queued,
      capacity: Math.max(capacity, 1),
      utilization,
      jobs,
      latencyMs: round(this.#latencyMs),
      served: this.#served,
      refused: this.#refused,
    };
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
