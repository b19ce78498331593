import { networkInterfaces } from "node:os";

/** Splits `tcp://host:port`; undefined for other transports. */
export function parseTcpEndpoint(endpoint: string): { host: string; port: number } | undefined {
  const match = /^tcp:\/\/(.+):(\d+|\*)$/.exec(endpoint);
  if (!match) return undefined;
  return { host: match[1] as string, port: match[2] === "*" ? 0 : Number(match[2]) };
}

/**
 * Splits a `MAPPER_ENDPOINTS` value: comma-separated endpoints, blanks around commas ignored,
 * duplicates dropped.
 *
 * @example
 * splitEndpoints("tcp://10.0.0.1:5555, tcp://10.0.0.2:5555"); // ["tcp://10.0.0.1:5555", "tcp://10.0.0.2:5555"]
 */
export function splitEndpoints(value: string): string[] {
  return [
    ...new Set(
      value
        .split(",")
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ""),
    ),
  ];
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

/** How a PEERS answer names the mapper's events socket: a port, or an endpoint dialled as is. */
export type EventsAddress = { eventsPort: number } | { eventsEndpoint: string };

/**
 * How the mapper names its events socket, bound at `boundEndpoint` (read back from ZeroMQ): for tcp
 * its port alone, which callers dial on the host they reached the mapper at (so a wildcard bind works
 * under whatever name they use); for ipc the endpoint itself, the same path for every caller.
 */
export function eventsAddress(boundEndpoint: string): EventsAddress {
  const tcp = parseTcpEndpoint(boundEndpoint);
  return tcp ? { eventsPort: tcp.port } : { eventsEndpoint: boundEndpoint };
}

/**
 * The events endpoint a PEERS answer names, for a mapper reached at `mapperEndpoint`: its
 * `eventsEndpoint` when present, else the mapper's own tcp host at `eventsPort`. Throws when
 * neither applies (a port alone from a mapper not reached over tcp).
 *
 * @example
 * eventsEndpointOf("tcp://mapper:5555", { eventsPort: 5556 }); // "tcp://mapper:5556"
 * eventsEndpointOf("ipc:///run/mapper.sock", { eventsEndpoint: "ipc:///run/events.sock" }); // as is
 */
export function eventsEndpointOf(
  mapperEndpoint: string,
  peers: { eventsPort?: number | undefined; eventsEndpoint?: string | undefined },
): string {
  if (peers.eventsEndpoint !== undefined) return peers.eventsEndpoint;
  const tcp = parseTcpEndpoint(mapperEndpoint);
  if (!tcp || peers.eventsPort === undefined)
    throw new Error(`the mapper at ${mapperEndpoint} named no events endpoint a caller can dial`);
  return `tcp://${tcp.host}:${peers.eventsPort}`;
}

function firstExternalIPv4(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === "IPv4" && !address.internal) return address.address;
    }
  }
  return "127.0.0.1";
}
