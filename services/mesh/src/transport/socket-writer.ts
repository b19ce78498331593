import type { Writable } from "zeromq";

type Frames = Parameters<Writable["send"]>[0];

/**
 * Serialises sends on one ZeroMQ socket. zeromq.js throws EBUSY synchronously when a send is
 * started while another is pending, so every socket in the mesh writes through one of these.
 * The queue is bounded: past `limit` pending messages, `send` refuses instead of growing memory.
 * Every send ZeroMQ refused is also reported to `onError`.
 *
 * @example
 * const writer = new SocketWriter(router, (error) => logger.debug("send failed", { error: String(error) }));
 * writer.post([identity, ...reply]); // fire and forget: a failure goes to onError
 * await writer.send(frames); // or wait until ZeroMQ has taken it
 */
export class SocketWriter {
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;

  constructor(
    private readonly socket: Pick<Writable, "send">,
    private readonly onError: (error: unknown) => void,
    private readonly limit = 10_000,
  ) {}

  /** Messages queued or being handed to ZeroMQ. */
  get pending(): number {
    return this.#pending;
  }

  /** Queues a message; resolves once it is handed to ZeroMQ, rejects if ZeroMQ refused it or the queue is full. */
  send(frames: Frames): Promise<void> {
    const full = this.#full();
    return full ? Promise.reject(full) : this.#enqueue(frames);
  }

  /** Fire-and-forget variant: failures, a full queue included, go to onError (replies to gone peers, for example). */
  post(frames: Frames): void {
    const full = this.#full();
    if (full) {
      this.onError(full);
      return;
    }
    // A send ZeroMQ refused reaches onError through #done: nothing more to do with it here.
    this.#enqueue(frames).catch(() => {});
  }

  #full(): Error | undefined {
    return this.#pending >= this.limit ? new Error(`send queue full (${this.limit})`) : undefined;
  }

  #enqueue(frames: Frames): Promise<void> {
    this.#pending++;
    const sent = this.#tail.then(() => this.socket.send(frames));
    this.#tail = sent.then(
      () => this.#done(),
      (error: unknown) => this.#done(error),
    );
    return sent;
  }

  #done(error?: unknown): void {
    this.#pending--;
    if (error !== undefined) this.onError(error);
  }
}
