/** A deadline registered with a DeadlineSweep: `at` on the performance.now() clock; pass it back to `cancel`. */
export interface Deadline {
  readonly at: number;
  fire(): void;
}

/**
 * Many deadlines on one timer. Nearly every request is answered long before its deadline, and a
 * timer set and cleared per request costs more than the request's own bookkeeping; here a settled
 * request only leaves a set, and one timer, armed for the earliest deadline, fires the ones due.
 * The timer is not cleared when the set empties (one request at a time would set and clear it every
 * round trip): it is only unref'd, so it keeps no process alive, and sweeps nothing when it fires.
 *
 * @example
 * const deadline = { at: performance.now() + 5000, fire: () => reject(new Error("timed out")) };
 * deadlines.schedule(deadline);
 * // ... the answer came:
 * deadlines.cancel(deadline);
 */
export class DeadlineSweep {
  readonly #waiting = new Set<Deadline>();
  #timer: NodeJS.Timeout | undefined;
  #armedFor = Number.POSITIVE_INFINITY;
  /** Whether the timer keeps the process alive: only while a deadline waits. */
  #holding = false;

  /** Calls `deadline.fire()` at `deadline.at`, unless cancelled before: an object that is its own deadline costs no closure. */
  schedule(deadline: Deadline): void {
    this.#waiting.add(deadline);
    if (deadline.at < this.#armedFor) this.#arm(deadline.at);
    else this.#hold(true);
  }

  cancel(deadline: Deadline): void {
    this.#waiting.delete(deadline);
    if (this.#waiting.size === 0) this.#hold(false);
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#armedFor = at;
    this.#timer = setTimeout(() => this.#sweep(), Math.max(0, at - performance.now()));
    this.#holding = true;
  }

  #hold(holding: boolean): void {
    if (this.#holding === holding || this.#timer === undefined) return;
    this.#holding = holding;
    if (holding) this.#timer.ref();
    else this.#timer.unref();
  }

  #sweep(): void {
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    this.#holding = false;
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
