import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { parseTcpEndpoint } from "../transport/endpoints.js";

/** Finds every address of a DNS name (IPv4 and IPv6 literals, as dns.lookup gives them). */
export type LookupAll = (host: string) => Promise<string[]>;

/** dns.lookup with `all: true`: every address the resolver gives, in its order. */
export const lookupAll: LookupAll = async (host) =>
  (await lookup(host, { all: true })).map((entry) => entry.address);

/** The DNS name in a tcp endpoint, or undefined when it names an address (or is not tcp). */
export function dnsNameOf(endpoint: string): string | undefined {
  const host = parseTcpEndpoint(endpoint)?.host;
  if (host === undefined || host.startsWith("[") || isIP(host) !== 0) return undefined;
  return host;
}

/**
 * The endpoints a named mapper endpoint stands for: one per address of its name, on its port
 * (`tcp://tasks.mapper:5555` in a Swarm: one per mapper replica). IPv4 addresses are preferred:
 * `localhost` is then one mapper, not two.
 */
export async function resolveEndpoint(endpoint: string, lookupAddresses: LookupAll): Promise<string[]> {
  const tcp = parseTcpEndpoint(endpoint);
  if (!tcp || dnsNameOf(endpoint) === undefined) return [endpoint];
  const addresses = [...new Set(await lookupAddresses(tcp.host))];
  const v4 = addresses.filter((address) => isIP(address) === 4);
  const chosen = v4.length > 0 ? v4 : addresses;
  return chosen.map((address) =>
    isIP(address) === 6 ? `tcp://[${address}]:${tcp.port}` : `tcp://${address}:${tcp.port}`,
  );
}
