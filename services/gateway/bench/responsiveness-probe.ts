/**
 * Asks a cheap URL again and again (one request at a time, every `everyMs`) and keeps the slowest
 * answer: a process whose event loop is held up answers late, however idle its sockets look.
 */
export class ResponsivenessProbe {
  #stopped = false;
  readonly #done: Promise<number>;

  constructor(url: string, everyMs = 50) {
    this.#done = this.#run(url, everyMs);
  }

  /** The slowest answer in ms, once the probe has stopped (a failed request counts as its time too). */
  get slowestMs(): Promise<number> {
    return this.#done;
  }

  stop(): void {
    this.#stopped = true;
  }

  async #run(url: string, everyMs: number): Promise<number> {
    let slowest = 0;
    while (!this.#stopped) {
      const started = performance.now();
      await fetch(url).then(
        (response) => response.arrayBuffer(),
        () => undefined,
      );
      slowest = Math.max(slowest, performance.now() - started);
      await new Promise((r) => setTimeout(r, everyMs));
    }
    return slowest;
  }
}
