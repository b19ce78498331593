/**
 * A token bucket: `burst` actions at once, then `ratePerS` a second. Refilled lazily on each take,
 * so an idle client costs nothing.
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket(2, 3, 0); // 2 a second, bursts of 3
 * [0, 0, 0, 0].map((at) => bucket.take(at)); // [true, true, true, false]
 * bucket.take(500); // true: one token back after half a second
 * ```
 */
export class TokenBucket {
  #tokens: number;
  #refilledAt: number;

  constructor(
    private readonly ratePerS: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.#tokens = burst;
    this.#refilledAt = now;
  }

  /** Takes one token if there is one; false means the action is refused. */
  take(now = Date.now()): boolean {
    const elapsedS = Math.max(0, now - this.#refilledAt) / 1000;
    this.#tokens = Math.min(this.burst, this.#tokens + elapsedS * this.ratePerS);
    this.#refilledAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens--;
    return true;
  }
}
