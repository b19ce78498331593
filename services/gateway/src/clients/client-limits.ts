import type { Server, Socket } from "socket.io";
import { AddressSlots } from "./address-slots.js";
import { clientAddress } from "./client-address.js";
import type { RefusalReason } from "./refusals.js";
import { TokenBucket } from "./token-bucket.js";

export interface ClientLimitsOptions {
  maxConnectionsPerAddress: number;
  subscribeRatePerS: number;
  subscribeBurst: number;
  trustForwardedFor: boolean;
  /** Counts and logs a refusal (see refusalReporter). */
  onRefused: (reason: RefusalReason, address: string) => void;
}

/** What a refused client is told: the `connect_error` data, or the `refused` event before a disconnect. */
export interface Refusal {
  reason: RefusalReason;
  error: string;
}

interface GuardedData {
  address?: string;
  subscribes?: TokenBucket;
}

/**
 * What one client may make the gateway spend: connections per remote address (each connection is
 * a stream to feed) and `subscribe` messages per client (a token bucket). A refusal is answered,
 * counted and logged (throttled), never thrown.
 */
export class ClientLimits {
  readonly #slots: AddressSlots;

  constructor(private readonly options: ClientLimitsOptions) {
    this.#slots = new AddressSlots(options.maxConnectionsPerAddress);
  }

  /**
   * Refuses a handshake early, with a `connect_error` the client sees, when its address is already
   * at the limit. The slot itself is taken in `admit`, where a `disconnect` is sure to follow.
   */
  install(io: Server): void {
    io.use((socket, next) => {
      const address = clientAddress(socket.handshake, this.options.trustForwardedFor);
      if (this.#slots.held(address) < this.options.maxConnectionsPerAddress) return next();
      this.options.onRefused("connections_per_address", address);
      next(Object.assign(new Error(this.#connectionsMessage()), { data: this.#connectionRefusal() }));
    });
  }

  /**
   * Takes a connection slot for a connected socket, released on disconnect. False (and the socket
   * told and disconnected) when handshakes that raced past `install`'s check overshoot the limit.
   */
  admit(socket: Socket): boolean {
    const address = clientAddress(socket.handshake, this.options.trustForwardedFor);
    if (!this.#slots.acquire(address)) {
      this.options.onRefused("connections_per_address", address);
      socket.emit("refused", this.#connectionRefusal());
      socket.disconnect(true);
      return false;
    }
    const data = socket.data as GuardedData;
    data.address = address;
    data.subscribes = new TokenBucket(this.options.subscribeRatePerS, this.options.subscribeBurst);
    socket.once("disconnect", () => this.#slots.release(address));
    return true;
  }

  /** Takes a token for one `subscribe`; the refusal to answer with when there is none. */
  checkSubscribe(socket: Socket): Refusal | undefined {
    const data = socket.data as GuardedData;
    if (data.subscribes?.take() !== false) return undefined;
    this.options.onRefused("subscribe_rate", data.address ?? "unknown");
    return {
      reason: "subscribe_rate",
      error: `too many subscribes: at most ${this.options.subscribeRatePerS} a second (burst ${this.options.subscribeBurst})`,
    };
  }

  #connectionsMessage(): string {
    return `too many connections from your address: at most ${this.options.maxConnectionsPerAddress}`;
  }

  #connectionRefusal(): Refusal {
    return { reason: "connections_per_address", error: this.#connectionsMessage() };
  }
}
