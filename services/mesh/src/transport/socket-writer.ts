import type { Writable } from "zeromq";

type Frames = Parameters<Writable["send"]>[0];

/**
 * Serialises sends on one ZeroMQ socket. zeromq.js throws EBUSY synchronously when a send is
 * started while another is pending, so every socket in the mesh writes through one of these.
 * The queue is bounded: past `limit` pending messages, `send` refuses instead of growing memory.
 */
export class SocketWriter {
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;

  constructor(
    private readonly socket: Writable,
    private readonly onError: (error: unknown) => void,
    private readonly limit = 10_000,
  ) {}

  get pending(): number {
    return this.#pending;
  }

  /** Queues a message; resolves once it is handed to ZeroMQ, rejects if ZeroMQ refused it. */
  send(frames: Frames): Promise<void> {
    if (this.#pending >= this.limit) return Promise.reject(new Error(`send queue full (${this.limit})`));
    this.#pending++;
    const sent = this.#tail.then(() => this.socket.send(frames));
    this.#tail = sent.then(
      () => this.#done(),
      (error: unknown) => this.#done(error),
    );
    return sent;
  }

  /** Fire-and-forget variant: failures go to onError (replies to gone peers, for example). */
  post(frames: Frames): void {
    this.send(frames).catch(() => {});
  }

  #done(error?: unknown): void {
    this.#pending--;
    if (error !== undefined) this.onError(error);
  }
}
