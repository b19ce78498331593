import {
  encodeBatch,
  MAX_BATCH_MESSAGES,
  MAX_BATCH_PAYLOAD_BYTES,
  type OutgoingFrames,
} from "../protocol/mod.js";
import type { SocketWriter } from "./socket-writer.js";

type Refused = ((error: unknown) => void) | undefined;

/** One destination's messages of this turn. */
class Outbox {
  readonly messages: OutgoingFrames[] = [];
  readonly refused: Refused[] = [];
  #payloadBytes = 0;

  constructor(readonly identity: Buffer | undefined) {}

  add(message: OutgoingFrames, onRefused: Refused): void {
    this.messages.push(message);
    this.refused.push(onRefused);
    this.#payloadBytes += message[1]?.byteLength ?? 0;
  }

  get full(): boolean {
    return this.messages.length >= MAX_BATCH_MESSAGES || this.#payloadBytes >= MAX_BATCH_PAYLOAD_BYTES;
  }
}

/**
 * The data plane's writer. A turn of the event loop's first message leaves at once; the rest of the
 * turn's messages leave together when it ends (as a Node stream corked until nextTick), each
 * destination's as one BATCH (a lone one as itself). Nothing waits past the turn that posted it, so
 * a lone request costs no latency, while a busy caller or worker pays zeromq.js's per-send cost
 * (half its CPU, unbatched) once per batch.
 *
 * @example
 * const batches = new BatchWriter(new SocketWriter(router, onError));
 * batches.post(encodeForSend("REPLY", header, payload), undefined, identity);
 */
export class BatchWriter {
  readonly #outboxes = new Map<string, Outbox>();
  #scheduled = false;

  constructor(private readonly writer: SocketWriter) {}

  /**
   * Queues `message` for `identity` (a ROUTER's peer; none on a DEALER). `onRefused` hears of it if
   * ZeroMQ, or the writer's bounded queue, refused the message's batch.
   */
  post(message: OutgoingFrames, onRefused?: Refused, identity?: Buffer): void {
    if (!this.#scheduled) {
      // The turn's first message leaves at once: a lone request or reply waits for nothing.
      this.#scheduled = true;
      process.nextTick(this.flush);
      this.writer.post(identity === undefined ? message : [identity, ...message], onRefused);
      return;
    }
    const key = identity === undefined ? "" : identity.toString("latin1");
    if ((message[1]?.byteLength ?? 0) >= MAX_BATCH_PAYLOAD_BYTES) {
      // Too big to share a frame: what is queued for this peer goes first, then this one alone, so a
      // batch never outgrows what the message alone would be.
      const queued = this.#outboxes.get(key);
      if (queued) {
        this.#outboxes.delete(key);
        this.#send(queued);
      }
      this.writer.post(identity === undefined ? message : [identity, ...message], onRefused);
      return;
    }
    let outbox = this.#outboxes.get(key);
    if (outbox === undefined) {
      outbox = new Outbox(identity);
      this.#outboxes.set(key, outbox);
    }
    outbox.add(message, onRefused);
    if (outbox.full) {
      this.#outboxes.delete(key);
      this.#send(outbox);
    }
  }

  /** Hands every queued message to the socket writer now, without waiting for the turn to end. */
  readonly flush = (): void => {
    this.#scheduled = false;
    // Most turns post one message, which left at once: nothing queued (clear() would still allocate).
    if (this.#outboxes.size === 0) return;
    for (const outbox of this.#outboxes.values()) this.#send(outbox);
    this.#outboxes.clear();
  };

  /** Resolves once everything posted so far has been handed to ZeroMQ or refused: then the socket may close. */
  drained(): Promise<void> {
    this.flush();
    return this.writer.idle();
  }

  #send({ messages, refused, identity }: Outbox): void {
    const frames = messages.length === 1 ? (messages[0] as OutgoingFrames) : [encodeBatch(messages)];
    const addressed = identity === undefined ? frames : [identity, ...frames];
    const anyListener = refused.some((listener) => listener !== undefined);
    this.writer.post(
      addressed,
      anyListener
        ? (error) => {
            for (const listener of refused) listener?.(error);
          }
        : undefined,
    );
  }
}
