import { networkInterfaces } from "node:os";

/** Splits `tcp://host:port`; undefined for other transports. */
export function parseTcpEndpoint(endpoint: string): { host: string; port: number } | undefined {
  const match = /^tcp:\/\/(.+):(\d+|\*)$/.exec(endpoint);
  if (!match) return undefined;
  return { host: match[1] as string, port: match[2] === "*" ? 0 : Number(match[2]) };
}

/** ZeroMQ picks a free port for `tcp://host:*`; `:0` reads better in settings, so accept both. */
export function bindable(endpoint: string): string {
  return endpoint.replace(/:0$/, ":*");
}

const WILDCARD_HOSTS = new Set(["*", "0.0.0.0", "::", "[::]"]);

/**
 * The address peers should dial for a socket bound at `boundEndpoint` (read back from ZeroMQ, so the
 * port is real). A wildcard bind is advertised under `advertiseHost`, or else this host's first
 * external IPv4 address, which is what a container's peers on the same network can reach.
 */
export function advertisedEndpoint(boundEndpoint: string, advertiseHost?: string): string {
  const tcp = parseTcpEndpoint(boundEndpoint);
  if (!tcp) return boundEndpoint;
  const host = advertiseHost ?? (WILDCARD_HOSTS.has(tcp.host) ? firstExternalIPv4() : tcp.host);
  return `tcp://${host}:${tcp.port}`;
}

/** The events endpoint of a mapper reached at `mapperEndpoint`: same host, the port it told us. */
export function siblingEndpoint(mapperEndpoint: string, port: number): string {
  const tcp = parseTcpEndpoint(mapperEndpoint);
  if (!tcp) throw new Error(`mapper endpoint must be tcp://host:port, got ${mapperEndpoint}`);
  return `tcp://${tcp.host}:${port}`;
}

function firstExternalIPv4(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === "IPv4" && !address.internal) return address.address;
    }
  }
  return "127.0.0.1";
}
