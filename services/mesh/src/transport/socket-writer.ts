import type { Writable } from "zeromq";

export type Frames = Parameters<Writable["send"]>[0];

/** A message waiting for its send, and who hears how it went (none for a fire-and-forget post). */
interface Queued {
  frames: Frames;
  onSent: (() => void) | undefined;
  onRefused: ((error: unknown) => void) | undefined;
}

/**
 * Serialises sends on one ZeroMQ socket. zeromq.js throws EBUSY synchronously when a send is
 * started while another is pending, so every socket in the mesh writes through one of these.
 * A message is handed to ZeroMQ at once when no send is pending (the usual case: zeromq.js then
 * takes it synchronously) and queued behind the pending one otherwise. The queue is bounded: past
 * `limit` pending messages (behind a BatchWriter, a message may be a BATCH of up to 32), `send`
 * refuses instead of growing memory. Every send ZeroMQ refused is
 * also reported to `onError`.
 *
 * @example
 * const writer = new SocketWriter(router, (error) => logger.debug("send failed", { error: String(error) }));
 * writer.post([identity, ...reply]); // fire and forget: a failure goes to onError
 * await writer.send(frames); // or wait until ZeroMQ has taken it
 */
export class SocketWriter {
  readonly #queue: Queued[] = [];
  /** The message ZeroMQ is taking now, if any: one at a time. */
  #writing: Queued | undefined;
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
    return new Promise((resolve, reject) => this.#enqueue({ frames, onSent: resolve, onRefused: reject }));
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
    this.#enqueue({ frames, onSent: undefined, onRefused });
  }

  #full(): Error | undefined {
    return this.#pending >= this.limit ? new Error(`send queue full (${this.limit})`) : undefined;
  }

  #enqueue(message: Queued): void {
    this.#pending++;
    if (this.#writing) this.#queue.push(message);
    else this.#write(message);
  }

  /** Bound once, not per message: the data plane writes tens of thousands a second. */
  readonly #sent = (): void => this.#done(undefined);
  readonly #refused = (error: unknown): void => this.#done(error ?? new Error("send refused"));

  #write(message: Queued): void {
    this.#writing = message;
    let sent: Promise<void>;
    try {
      sent = this.socket.send(message.frames);
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(this.#sent, this.#refused);
  }

  #done(error: unknown): void {
    const message = this.#writing as Queued;
    this.#pending--;
    this.#writing = undefined;
    if (error === undefined) message.onSent?.();
    else {
      this.onError(error);
      message.onRefused?.(error);
    }
    const next = this.#queue.shift();
    if (next) this.#write(next);
    else if (this.#pending === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}
