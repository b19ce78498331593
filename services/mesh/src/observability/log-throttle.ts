export interface LogThrottleOptions {
  /** Lines of one kind written per window; past that they are held back and counted. */
  linesPerWindow: number;
  windowMs?: number;
  now?: () => number;
}

/**
 * Bounds the log lines a peer can make us write: per kind, the first `linesPerWindow` lines of each
 * window are written, the rest are counted, and the next line written says how many were held back.
 * So a handful of events are all logged, and a flood costs one line per window.
 */
export class LogThrottle {
  readonly #windows = new Map<string, { openedAt: number; written: number; held: number }>();
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(private readonly options: LogThrottleOptions) {
    this.#windowMs = options.windowMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Calls `write` with the number of lines held back since the last one, or holds this line back. */
  log(kind: string, write: (heldBack: number) => void): void {
    const now = this.#now();
    let window = this.#windows.get(kind);
    if (window === undefined || now - window.openedAt >= this.#windowMs) {
      window = { openedAt: now, written: 0, held: window?.held ?? 0 };
      this.#windows.set(kind, window);
    }
    if (window.written >= this.options.linesPerWindow) {
      window.held++;
      return;
    }
    window.written++;
    const held = window.held;
    window.held = 0;
    write(held);
  }
}
