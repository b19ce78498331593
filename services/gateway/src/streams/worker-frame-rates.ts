import type { FrameRates, WorkerFrameRate } from "../gateway-api.js";

/** Options of a WorkerFrameRates. */
export interface WorkerFrameRatesOptions {
  /** How far back rates look. */
  windowMs: number;
  /** Frames remembered at most: past it the oldest are forgotten (bounds memory at any frame rate). */
  maxFrames: number;
}

interface EmittedFrame {
  at: number;
  worker: string;
  renderMs: number;
}

/**
 * Frames the gateway emitted over a sliding window, by the image worker that rendered each:
 * frames a second, share of frames and mean render time per worker. Counted where frames leave the
 * gateway, so it shows the load spreading even when every worker's utilisation rounds to 0%.
 *
 * @example
 * ```ts
 * const rates = new WorkerFrameRates({ windowMs: 5000, maxFrames: 5000 });
 * rates.record("image-worker-alpha", 12);
 * rates.snapshot().workers["image-worker-alpha"]; // { framesPerS, share: 1, renderMs: 12 }
 * ```
 */
export class WorkerFrameRates {
  readonly #frames: EmittedFrame[] = [];
  #firstAt: number | undefined;

  constructor(private readonly options: WorkerFrameRatesOptions) {}

  /** One frame emitted, rendered by `worker` in `renderMs` (request to reply). */
  record(worker: string, renderMs: number, now = Date.now()): void {
    this.#firstAt ??= now;
    this.#frames.push({ at: now, worker, renderMs });
    if (this.#frames.length > this.options.maxFrames) this.#frames.shift();
  }

  /** Rates over the window ending `now`; over less while the gateway is younger than the window. */
  snapshot(now = Date.now()): FrameRates {
    const { windowMs } = this.options;
    const since = now - windowMs;
    while (this.#frames.length > 0 && (this.#frames[0] as EmittedFrame).at <= since) this.#frames.shift();
    // At least a second, so the first frames do not read as a burst.
    const seconds = Math.max(1000, Math.min(windowMs, now - (this.#firstAt ?? now))) / 1000;
    const tallies = new Map<string, { frames: number; renderMs: number }>();
    for (const { worker, renderMs } of this.#frames) {
      const tally = tallies.get(worker) ?? { frames: 0, renderMs: 0 };
      tally.frames++;
      tally.renderMs += renderMs;
      tallies.set(worker, tally);
    }
    const total = this.#frames.length;
    const workers: Record<string, WorkerFrameRate> = {};
    for (const [worker, { frames, renderMs }] of [...tallies].sort(([a], [b]) => (a < b ? -1 : 1))) {
      workers[worker] = {
        framesPerS: round(frames / seconds),
        share: round(frames / total),
        renderMs: round(renderMs / frames),
      };
    }
    return { windowSeconds: windowMs / 1000, framesPerS: round(total / seconds), workers };
  }
}

const round = (value: number) => Math.round(value * 100) / 100;
