/** Where the gateway's renders stand: how many failed in a row, and when the last one ended. */
export interface FrameHealthState {
  consecutiveFailures: number;
  /** Epoch ms of the last render's outcome (0 before any). */
  lastOutcomeAt: number;
}

/**
 * The outcome of every render, whatever its stream: the evidence that frames are failing right
 * now even while the directory still lists image workers (hung, silent or all full).
 */
export class FrameHealth {
  #consecutiveFailures = 0;
  #lastOutcomeAt = 0;

  /** A render came back: the run of failures ends. */
  recordSuccess(now = Date.now()): void {
    this.#consecutiveFailures = 0;
    this.#lastOutcomeAt = now;
  }

  /** A render failed (busy, no peer, timeout or error): the run of failures grows. */
  recordFailure(now = Date.now()): void {
    this.#consecutiveFailures++;
    this.#lastOutcomeAt = now;
  }

  /** Where renders stand now, for readiness. */
  get state(): FrameHealthState {
    return { consecutiveFailures: this.#consecutiveFailures, lastOutcomeAt: this.#lastOutcomeAt };
  }
}
