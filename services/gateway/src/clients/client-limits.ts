import type { ConnectError, Refusal, RefusalReason } from "../gateway-api.js";
import type { GatewayServer, GatewaySocket } from "../gateway-io.js";
import { AddressSlots } from "./address-slots.js";
import { clientAddress } from "./client-address.js";
import { TokenBucket } from "./token-bucket.js";

/** The limits of ClientLimits, from the gateway's settings. */
export interface ClientLimitsOptions {
  maxConnectionsPerAddress: number;
  subscribeRatePerS: number;
  subscribeBurst: number;
  trustForwardedFor: boolean;
  /** Counts and logs a refusal (see refusalReporter). */
  onRefused: (reason: RefusalReason, address: string) => void;
}

/**
 * What one client may make the gateway spend: connections per remote address (each connection is
 * a stream to feed) and `subscribe` messages per client (a token bucket). A refusal is answered,
 * counted and logged (throttled), never thrown.
 *
 * @example
 * ```ts
 * const limits = new ClientLimits({ maxConnectionsPerAddress: 10, subscribeRatePerS: 2, subscribeBurst: 5,
 *   trustForwardedFor: false, onRefused: refusalReporter(metrics.refusals, logger) });
 * limits.install(io); // refuses handshakes from an address at its limit
 * io.on("connection", (socket) => {
 *   if (!limits.admit(socket)) return; // already told and disconnected
 *   socket.on("subscribe", (request, ack) => {
 *     const refusal = limits.checkSubscribe(socket);
 *     if (refusal) return ack({ ok: false, ...refusal });
 *     // …
 *   });
 * });
 * ```
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
  install(io: GatewayServer): void {
    io.use((socket, next) => {
      const address = clientAddress(socket.handshake, this.options.trustForwardedFor);
      if (this.#slots.held(address) < this.options.maxConnectionsPerAddress) return next();
      this.options.onRefused("connections_per_address", address);
      const error: ConnectError = Object.assign(new Error(this.#connectionsMessage()), {
        data: this.#connectionRefusal(),
      });
      next(error);
    });
  }

  /**
   * Takes a connection slot for a connected socket, released on disconnect. False (and the socket
   * told and disconnected) when handshakes that raced past `install`'s check overshoot the limit.
   */
  admit(socket: GatewaySocket): boolean {
    const address = clientAddress(socket.handshake, this.options.trustForwardedFor);
    if (!this.#slots.acquire(address)) {
      this.options.onRefused("connections_per_address", address);
      socket.emit("refused", this.#connectionRefusal());
      socket.disconnect(true);
      return false;
    }
    socket.data.address = address;
    socket.data.subscribes = new TokenBucket(this.options.subscribeRatePerS, this.options.subscribeBurst);
    socket.once("disconnect", () => this.#slots.release(address));
    return true;
  }

  /** Takes a token for one `subscribe`; the refusal to answer with when there is none. */
  checkSubscribe(socket: GatewaySocket): Refusal | undefined {
    if (socket.data.subscribes?.take() !== false) return undefined;
    this.options.onRefused("subscribe_rate", socket.data.address ?? "unknown");
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
