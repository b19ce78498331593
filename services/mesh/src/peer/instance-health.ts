/** Consecutive failures (timeouts, refused sends) after which a caller rests an instance. */
export const EJECT_AFTER_FAILURES = 3;
/** The first rest; each further ejection in a row doubles it, up to MAX_EJECTION_MS. */
export const BASE_EJECTION_MS = 1000;
export const MAX_EJECTION_MS = 30_000;

/**
 * One caller's verdict on one instance, whatever its record claims (outlier detection, as Envoy
 * does it). Out of choice while it has a reply overdue, rested after a run of failures or after an
 * overdue request failed, then let back in one probe at a time until a success. Pure: time passed in.
 */
export class InstanceHealth {
  #consecutiveFailures = 0;
  #ejections = 0;
  #ejectedUntil = 0;
  #overdue = 0;
  #probing = false;

  /** True when a new request may go to the instance now. */
  available(now: number, inFlight: number): boolean {
    return !this.resting(now) && !this.suspect(inFlight);
  }

  /** Rested after failures: no request goes there until the rest is over. */
  resting(now: number): boolean {
    return now < this.#ejectedUntil;
  }

  /** A reply is overdue, or a probe is out: used only when no other instance can take the job. */
  suspect(inFlight: number): boolean {
    return this.#overdue > 0 || (this.#probing && inFlight > 0);
  }

  get overdue(): number {
    return this.#overdue;
  }

  get probing(): boolean {
    return this.#probing;
  }

  /** A request passed its time budget without an answer: take the instance out of choice now. */
  markOverdue(): void {
    this.#overdue++;
  }

  /** The instance answered: a late answer clears its overdue mark, and any answer ends a probe. */
  recordSuccess(wasOverdue: boolean): void {
    if (wasOverdue) this.#overdue = Math.max(0, this.#overdue - 1);
    this.#consecutiveFailures = 0;
    this.#ejections = 0;
    this.#probing = false;
  }

  /**
   * A request failed (timed out, connection dropped). Returns the rest in ms when this failure
   * ejected the instance: at once for an overdue request or a failed probe, else after a run.
   */
  recordFailure(now: number, wasOverdue: boolean): number | undefined {
    if (wasOverdue) this.#overdue = Math.max(0, this.#overdue - 1);
    this.#consecutiveFailures++;
    if (!wasOverdue && !this.#probing && this.#consecutiveFailures < EJECT_AFTER_FAILURES) return undefined;
    return this.#rest(now);
  }

  #rest(now: number): number {
    const restMs = Math.min(MAX_EJECTION_MS, BASE_EJECTION_MS * 2 ** this.#ejections);
    this.#ejections++;
    this.#consecutiveFailures = 0;
    this.#ejectedUntil = now + restMs;
    this.#probing = true;
    return restMs;
  }

  /** The instance answered as something its record did not claim (another service, not a worker): rest it now. */
  eject(now: number, wasOverdue: boolean): number {
    if (wasOverdue) this.#overdue = Math.max(0, this.#overdue - 1);
    return this.#rest(now);
  }

  /** An attempt that ended without an answer either way (the channel closed under it). */
  forget(wasOverdue: boolean): void {
    if (wasOverdue) this.#overdue = Math.max(0, this.#overdue - 1);
  }
}
