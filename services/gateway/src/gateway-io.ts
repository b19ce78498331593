import type { Server, Socket } from "socket.io";
import type { TokenBucket } from "./clients/token-bucket.js";
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents } from "./gateway-api.js";

/** The gateway's Socket.IO server, typed by the events of gateway-api.ts: a renamed event fails to compile. */
export type GatewayServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** One client's socket on the gateway's server. */
export type GatewaySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** What the gateway keeps on each socket (`socket.data`, server side only); empty until admitted. */
export interface SocketData {
  /** The address the client's limits are counted against (see clientAddress). */
  address?: string;
  /** The client's budget of `subscribe` messages. */
  subscribes?: TokenBucket;
  /** The stream the client watches now (none before it joins one, and after it leaves). */
  stream?: string | undefined;
}
