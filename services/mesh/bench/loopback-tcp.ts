import moleculer from "moleculer";

/**
 * Moleculer's TCP transporter, dialling every node on 127.0.0.1: by default it dials the first
 * address a node lists (a LAN address on most machines), and benchmarks stay on the loopback.
 */
export class LoopbackTcp extends moleculer.Transporters.TCP {
  getNodeAddress(): string {
    return "127.0.0.1";
  }
}

/** Broker settings shared by the benchmark's Moleculer nodes: static peers, no UDP discovery, quiet. */
export function moleculerBrokerOptions(
  nodeID: string,
  port: number,
  peers: Record<string, number>,
  namespace: string,
): moleculer.BrokerOptions {
  const urls = Object.entries(peers).map(([id, peerPort]) => `127.0.0.1:${peerPort}/${id}`);
  return {
    namespace,
    nodeID,
    logger: false,
    transporter: new LoopbackTcp({ udpDiscovery: false, port, urls, useHostname: false }),
  };
}
