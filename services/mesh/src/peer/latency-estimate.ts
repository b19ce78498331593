/**
 * Smoothed round-trip time of one kind of request, as TCP estimates its retransmission timeout
 * (RFC 6298): a mean and a mean deviation, each an exponentially weighted average. Pure: no clock.
 */
export class LatencyEstimate {
  #smoothed = 0;
  #deviation = 0;
  #samples = 0;
  #lastSampleAt = Number.NEGATIVE_INFINITY;

  get samples(): number {
    return this.#samples;
  }

  /** The smoothed round-trip time in ms (0 before any sample). */
  get meanMs(): number {
    return this.#smoothed;
  }

  /** Takes one round-trip time; `at` (any monotonic clock, e.g. performance.now()) dates it. */
  observe(ms: number, at = Number.NEGATIVE_INFINITY): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.#lastSampleAt = at;
    if (this.#samples === 0) {
      this.#smoothed = ms;
      this.#deviation = ms / 2;
    } else {
      this.#deviation = 0.75 * this.#deviation + 0.25 * Math.abs(this.#smoothed - ms);
      this.#smoothed = 0.875 * this.#smoothed + 0.125 * ms;
    }
    this.#samples++;
  }

  /**
   * The mean, when it should guide a choice at `clock` (the clock `observe` was given): after
   * `minSamples` answers, and while the last one is at most `freshMs` old or `inFlight` requests are
   * still out. A latency not refreshed lately may have been a passing stall: forgotten, the instance
   * gets a request again, but one at a time: while that one is out, the old latency still stands.
   */
  guideMs(clock: number, inFlight: number, freshMs = 1000, minSamples = 3): number | undefined {
    if (this.#samples < minSamples) return undefined;
    return clock - this.#lastSampleAt <= freshMs || inFlight > 0 ? this.#smoothed : undefined;
  }

  /**
   * How long a request may take before it counts as overdue: mean plus four deviations, as TCP's
   * timeout, never under `floorMs`. Undefined until `minSamples` answers were seen: no guess.
   */
  overdueAfterMs(floorMs: number, minSamples = 3): number | undefined {
    if (this.#samples < minSamples) return undefined;
    return Math.max(floorMs, this.#smoothed + 4 * this.#deviation);
  }
}
