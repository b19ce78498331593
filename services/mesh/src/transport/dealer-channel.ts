import { Dealer } from "zeromq";
import { CallFailure, MeshError } from "../errors.js";
import {
  type DecodeResult,
  decodeEach,
  encodeForSend,
  type Headers,
  idOf,
  type Message,
  type MessageTypeName,
} from "../protocol/mod.js";
import type { clientSocketOptions } from "../security/mesh-security.js";
import { BatchWriter } from "./batch-writer.js";
import { endedByOwnClose } from "./closed-socket.js";
import { type Deadline, deadlines } from "./deadline-sweep.js";
import { receiveEach } from "./receive-each.js";
import { SocketWriter } from "./socket-writer.js";
// Before any socket exists: the limit cannot be raised afterwards.
import "./zmq-context.js";

type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;
type Requestable = "REGISTER" | "HEARTBEAT" | "DEREGISTER" | "GET_PEERS" | "REQUEST";

export interface DealerChannelOptions {
  /** Called for every undecodable reply. */
  onMalformed: (failure: Extract<DecodeResult, { ok: false }>) => void;
  /** Connection state as ZeroMQ reports it: handshake done (up), or dropped (down). */
  onConnectionChange?: (state: ConnectionState) => void;
  /** Fail requests in flight at once when the connection drops (peers), or let them time out (mapper). */
  failPendingOnDisconnect?: boolean;
  /** ZMTP heartbeats: notice a frozen peer whose TCP connection still looks open. */
  zmtpHeartbeatMs?: number;
  /** Send the requests of one turn as one BATCH (data plane only: the mapper takes no BATCH). */
  batching?: boolean;
  /** CURVE client options (see security/mesh-security.ts): empty for plaintext. */
  secured?: ReturnType<typeof clientSocketOptions>;
}

/**
 * "connecting" until the first handshake; "down" once a connection dropped, until the next handshake;
 * "failed" when ZeroMQ refused the endpoint itself (it will never connect, and holds no socket).
 */
export type ConnectionState = "connecting" | "up" | "down" | "failed";

/** Who is told how a request ended: exactly one of the two is called, once. */
export interface ReplyWaiter {
  resolve(message: Message): void;
  reject(error: MeshError): void;
}

/** A request waiting for its answer, and its own deadline in the sweep: one object per request. */
class Pending implements Deadline {
  readonly at: number;

  constructor(
    readonly id: number,
    readonly waiter: ReplyWaiter,
    private readonly timeoutMs: number,
    private readonly waiting: Map<number, Pending>,
    private readonly endpoint: string,
  ) {
    this.at = performance.now() + timeoutMs;
  }

  /** No answer in time (called by the DeadlineSweep). */
  fire(): void {
    this.waiting.delete(this.id);
    const reason = `no answer from ${this.endpoint} within ${this.timeoutMs} ms`;
    this.waiter.reject(new MeshError(CallFailure.TIMEOUT, reason));
  }
}

/**
 * One DEALER connection with request/reply correlation by message id, a deadline on every request,
 * one reader loop and one writer (see SocketWriter). Replies to requests that already timed out are
 * dropped. Used for the control channel to the mapper and for each peer connection.
 */
export class DealerChannel {
  readonly #socket: Dealer;
  readonly #writer: SocketWriter;
  readonly #batches: BatchWriter | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;
  #state: ConnectionState = "connecting";
  #connectRetries = 0;
  #stateSince = Date.now();
  /** Why the channel could not be opened, when its state is "failed". */
  failure: string | undefined;

  constructor(
    readonly endpoint: string,
    private readonly options: DealerChannelOptions,
  ) {
    const heartbeat = options.zmtpHeartbeatMs;
    this.#socket = new Dealer({
      linger: 0,
      // A peer that is gone must not wedge our writer: refuse at the high-water mark instead of blocking.
      sendTimeout: 0,
      sendHighWaterMark: 1000,
      maxMessageSize: 32 << 20,
      reconnectInterval: 100,
      reconnectMaxInterval: 1000,
      ...(heartbeat ? { heartbeatInterval: heartbeat, heartbeatTimeout: heartbeat * 3 } : {}),
      ...options.secured,
    });
    this.#writer = new SocketWriter(this.#socket, () => {});
    this.#batches = options.batching ? new BatchWriter(this.#writer) : undefined;
    // Watch before connecting: events emitted before the observer exists are lost.
    void this.#watchConnection();
    try {
      this.#socket.connect(endpoint);
    } catch (error) {
      // An endpoint ZeroMQ cannot read (`tcp://x`): free the socket now, or every such record leaks one.
      this.#closed = true;
      this.#socket.close();
      this.#setState("failed");
      this.failure = `${endpoint}: ${(error as Error).message}`;
      return;
    }
    void this.#read();
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Epoch ms of the last state change (of the channel's creation, before any). */
  get stateSince(): number {
    return this.#stateSince;
  }

  /**
   * True when the far end cannot be reached now: ZeroMQ refused the endpoint, or an attempt to
   * connect failed and none has come up since. A listing or a start-up waits no longer for it.
   */
  get away(): boolean {
    return this.#state === "failed" || (this.#state !== "up" && this.#connectRetries > 0);
  }

  /** Failed connection attempts since the last handshake (refused, unreachable, unresolvable). */
  get connectRetries(): number {
    return this.#connectRetries;
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  request<K extends Requestable>(
    type: K,
    header: WithoutId<Headers[K]>,
    timeoutMs: number,
    payload?: Uint8Array,
  ): Promise<Message> {
    return new Promise<Message>((resolve, reject) =>
      this.send(type, header, timeoutMs, { resolve, reject }, payload),
    );
  }

  /**
   * `request` without a promise, for the data plane: `waiter` hears the answer or the failure,
   * never before this returns (a caller may count the request once `send` is back).
   */
  send<K extends Requestable>(
    type: K,
    header: WithoutId<Headers[K]>,
    timeoutMs: number,
    waiter: ReplyWaiter,
    payload?: Uint8Array,
  ): void {
    if (this.#closed) {
      const closed = new MeshError(CallFailure.CLOSED, `channel to ${this.endpoint} is closed`);
      queueMicrotask(() => waiter.reject(closed));
      return;
    }
    const id = this.#nextId;
    this.#nextId = this.#nextId >= 0xffff_ffff ? 1 : this.#nextId + 1;
    const pending = new Pending(id, waiter, timeoutMs, this.#pending, this.endpoint);
    this.#pending.set(id, pending);
    deadlines.schedule(pending);
    const frames = encodeForSend(type as MessageTypeName, { ...header, id } as Headers[K], payload);
    const refused = (error: unknown) => {
      const failure = new MeshError(CallFailure.SEND_FAILED, `send to ${this.endpoint} failed: ${error}`);
      // A full queue refuses at once: still answer after `send` has returned.
      queueMicrotask(() => this.#settle(id)?.waiter.reject(failure));
    };
    if (this.#batches) this.#batches.post(frames, refused);
    else this.#writer.post(frames, refused);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#failAll(CallFailure.CLOSED, "channel closed");
    this.#socket.close();
  }

  #settle(id: number): Pending | undefined {
    const pending = this.#pending.get(id);
    if (!pending) return undefined;
    this.#pending.delete(id);
    deadlines.cancel(pending);
    return pending;
  }

  #failAll(code: string, reason: string): void {
    for (const id of [...this.#pending.keys()]) {
      this.#settle(id)?.waiter.reject(new MeshError(code, `${reason}: ${this.endpoint}`));
    }
  }

  async #read(): Promise<void> {
    try {
      await receiveEach(this.#socket, (frames) => decodeEach(frames, this.#answered));
    } catch (error) {
      if (!endedByOwnClose(this.#socket)) throw error;
    }
  }

  /** One answer, decoded: it settles the request it names; one that names none is dropped. */
  readonly #answered = (decoded: DecodeResult): void => {
    if (!decoded.ok) this.options.onMalformed(decoded);
    else {
      const id = idOf(decoded.message);
      if (id !== undefined) this.#settle(id)?.waiter.resolve(decoded.message);
    }
  };

  async #watchConnection(): Promise<void> {
    const events = this.#socket.events;
    try {
      for await (const event of events) {
        if (event.type === "handshake") {
          this.#connectRetries = 0;
          this.#setState("up");
        } else if (event.type === "connect:retry" || event.type.startsWith("handshake:error")) {
          // Refused, unreachable, or the far end is not who we dialled (CURVE): not connected.
          this.#connectRetries++;
        } else if (event.type === "disconnect") {
          this.#setState("down");
          if (this.options.failPendingOnDisconnect)
            this.#failAll(CallFailure.DISCONNECTED, "connection dropped");
        }
      }
    } catch (error) {
      if (!endedByOwnClose(this.#socket)) throw error;
    }
  }

  #setState(state: ConnectionState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#stateSince = Date.now();
    this.options.onConnectionChange?.(state);
  }
}
