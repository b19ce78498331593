// The restart policy of `make run`, like compose's `restart: unless-stopped`: wait longer after each
// crash in a row, and forget the crashes once the process has stayed up for a while.

/**
 * Delays before restarting one process: `initialMs` doubling up to `maxMs`, back to `initialMs`
 * once a run has lasted `stableMs`.
 */
export class RestartBackoff {
  #crashesInARow = 0;

  /** @param {{ initialMs?: number, maxMs?: number, stableMs?: number }} [policy] */
  constructor({ initialMs = 500, maxMs = 10_000, stableMs = 10_000 } = {}) {
    this.initialMs = initialMs;
    this.maxMs = maxMs;
    this.stableMs = stableMs;
  }

  /**
   * The delay before the next start, given how long the run that just ended lasted.
   * @param {number} uptimeMs
   * @returns {number}
   */
  nextDelay(uptimeMs) {
    if (uptimeMs >= this.stableMs) this.#crashesInARow = 0;
    const delay = Math.min(this.initialMs * 2 ** this.#crashesInARow, this.maxMs);
    this.#crashesInARow += 1;
    return delay;
  }
}
