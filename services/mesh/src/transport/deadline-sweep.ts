/** A deadline registered with a DeadlineSweep: pass it back to `cancel`. */
export interface Deadline {
  readonly at: number;
  readonly fire: () => void;
}

/**
 * Many deadlines on one timer. Nearly every request is answered long before its deadline, and a
 * timer set and cleared per request costs more than the request's own bookkeeping; here a settled
 * request only leaves a set, and one timer, armed for the earliest deadline, fires the ones due.
 *
 * @example
 * const deadline = deadlines.add(5000, () => reject(new Error("timed out")));
 * // ... the answer came:
 * deadlines.cancel(deadline);
 */
export class DeadlineSweep {
  readonly #waiting = new Set<Deadline>();
  #timer: NodeJS.Timeout | undefined;
  #armedFor = Number.POSITIVE_INFINITY;

  /** Calls `fire` once `delayMs` have passed, unless cancelled before. */
  add(delayMs: number, fire: () => void): Deadline {
    const deadline = { at: performance.now() + delayMs, fire };
    this.#waiting.add(deadline);
    if (deadline.at < this.#armedFor) this.#arm(deadline.at);
    return deadline;
  }

  cancel(deadline: Deadline): void {
    this.#waiting.delete(deadline);
    // Nothing left to wait for: the timer must not keep the process alive.
    if (this.#waiting.size === 0) this.#disarm();
  }

  #arm(at: number): void {
    this.#disarm();
    this.#armedFor = at;
    this.#timer = setTimeout(() => this.#sweep(), Math.max(0, at - performance.now()));
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
  }

  #sweep(): void {
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    const now = performance.now();
    const due: Deadline[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const deadline of this.#waiting) {
      if (deadline.at <= now) due.push(deadline);
      else next = Math.min(next, deadline.at);
    }
    for (const deadline of due) this.#waiting.delete(deadline);
    if (next < Number.POSITIVE_INFINITY) this.#arm(next);
    for (const deadline of due) deadline.fire();
  }
}

/** The process's one sweep: every channel and attempt shares its timer. */
export const deadlines = new DeadlineSweep();
