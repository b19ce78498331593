import { Router } from "zeromq";

/** A job endpoint that accepts connections and requests but never answers: a silent instance. */
export class SilentEndpoint {
  readonly #router = new Router({ linger: 0 });
  /** Requests received (and never answered). */
  received = 0;
  endpoint = "";

  static async start(): Promise<SilentEndpoint> {
    const silent = new SilentEndpoint();
    await silent.#router.bind("tcp://127.0.0.1:*");
    silent.endpoint = silent.#router.lastEndpoint as string;
    void silent.#drain();
    return silent;
  }

  async #drain(): Promise<void> {
    try {
      for await (const _ of this.#router) this.received++;
    } catch {
      // closed
    }
  }

  close(): void {
    this.#router.close();
  }
}
