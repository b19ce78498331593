import type { Writable } from "zeromq";

export type Frames = Parameters<Writable["send"]>[0];

interface Queued {
  frames: Frames;
  settle: (error?: unknown) => void;
}

/**
 * Serialises sends on one ZeroMQ socket. zeromq.js throws EBUSY synchronously when a send is
 * started while another is pending, so every socket in the mesh writes through one of these.
 * A message is handed to ZeroMQ at once when no send is pending (the usual case: zeromq.js then
 * takes it synchronously) and queued behind the pending one otherwise. The queue is bounded: past
 * `limit` pending messages, `send` refuses instead of growing memory. Every send ZeroMQ refused is
 * also reported to `onError`.
 *
 * @example
 * const writer = new SocketWriter(router, (error) => logger.debug("send failed", { error: String(error) }));
 * writer.post([identity, ...reply]); // fire and forget: a failure goes to onError
 * await writer.send(frames); // or wait until ZeroMQ has taken it
 */
export class SocketWriter {
  readonly #queue: Queued[] = [];
  #writing = false;
  #pending = 0;
  #idleWaiters: (() => void)[] = [];

  constructor(
    private readonly socket: Pick<Writable, "send">,
    private readonly onError: (error: unknown) => void,
    private readonly limit = 10_000,
  ) {}

  /** Messages queued or being handed to ZeroMQ. */
  get pending(): number {
    return this.#pending;
  }

  /** Resolves once every message queued so far has been handed to ZeroMQ or refused (before closing the socket). */
  idle(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Queues a message; resolves once it is handed to ZeroMQ, rejects if ZeroMQ refused it or the queue is full. */
  send(frames: Frames): Promise<void> {
    const full = this.#full();
    if (full) return Promise.reject(full);
    return new Promise((resolve, reject) =>
      this.#enqueue(frames, (error) => (error === undefined ? resolve() : reject(error))),
    );
  }

  /**
   * Fire-and-forget variant: failures, a full queue included, go to onError (replies to gone peers,
   * for example), and to `onRefused` as well when given (a request that will get no answer).
   */
  post(frames: Frames, onRefused?: (error: unknown) => void): void {
    const full = this.#full();
    if (full) {
      this.onError(full);
      onRefused?.(full);
      return;
    }
    this.#enqueue(frames, (error) => {
      if (error !== undefined) onRefused?.(error);
    });
  }

  #full(): Error | undefined {
    return this.#pending >= this.limit ? new Error(`send queue full (${this.limit})`) : undefined;
  }

  #enqueue(frames: Frames, settle: (error?: unknown) => void): void {
    this.#pending++;
    if (this.#writing) this.#queue.push({ frames, settle });
    else this.#write(frames, settle);
  }

  #write(frames: Frames, settle: (error?: unknown) => void): void {
    this.#writing = true;
    let sent: Promise<void>;
    try {
      sent = this.socket.send(frames);
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(
      () => this.#done(settle),
      (error: unknown) => this.#done(settle, error),
    );
  }

  #done(settle: (error?: unknown) => void, error?: unknown): void {
    this.#pending--;
    this.#writing = false;
    if (error !== undefined) this.onError(error);
    settle(error);
    const next = this.#queue.shift();
    if (next) this.#write(next.frames, next.settle);
    else if (this.#pending === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}
