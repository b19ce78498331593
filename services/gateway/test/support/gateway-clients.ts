import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "../../src/gateway-api.js";

/** A Socket.IO client of the gateway, typed by its events: a renamed event fails to compile. */
export type GatewayClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Opens clients of a gateway (each its own connection, over WebSocket) and closes them after each test.
 *
 * @example
 * ```ts
 * const connect = useGatewayClients();
 * it("streams", async () => {
 *   const socket = connect(base);
 *   socket.on("frame", (frame) => frames.push(frame));
 * });
 * ```
 */
export function useGatewayClients(): (
  base: string,
  options?: Partial<ManagerOptions & SocketOptions>,
) => GatewayClient {
  const clients: GatewayClient[] = [];
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  return (base, options = {}) => {
    const client: GatewayClient = io(base, { transports: ["websocket"], forceNew: true, ...options });
    clients.push(client);
    return client;
  };
}
