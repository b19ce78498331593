import { isIPv6 } from "node:net";

// Addresses a member advertises are claims: they are checked as ZeroMQ and the OS will read them, so a
// record that cannot be dialled is refused when it arrives instead of failing later in every caller.

/** Linux's sun_path holds 108 bytes, one of them the terminating NUL. */
export const MAX_IPC_PATH_BYTES = 107;
/** A DNS name: at most 253 characters, labels of 1-63 letters, digits and inner hyphens (RFC 1123). */
const MAX_DNS_NAME = 253;
const DNS_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const PORT = /^[1-9]\d{0,4}$/;
/** Control characters have no place in a path we log and hand to the OS. */
const CONTROL_CHARACTER = /\p{Cc}/u;

/** Why `host` is not an IPv4 address, a bracketed IPv6 address or a DNS name; undefined if it is one. */
export function hostProblem(host: string): string | undefined {
  if (host.startsWith("[")) {
    return host.endsWith("]") && isIPv6(host.slice(1, -1)) ? undefined : "not a bracketed IPv6 address";
  }
  if (IPV4.test(host)) return undefined;
  if (host.length === 0) return "empty host";
  if (host.length > MAX_DNS_NAME) return `host name longer than ${MAX_DNS_NAME} characters`;
  const labels = host.split(".");
  if (!labels.every((label) => DNS_LABEL.test(label))) return "not an IPv4 address or a DNS name";
  // An all-numeric last label would be a mistyped IPv4 address, never a real name (RFC 1123 §2.1).
  if (/^\d+$/.test(labels[labels.length - 1] as string)) return "not a valid IPv4 address";
  return undefined;
}

function portProblem(port: string): string | undefined {
  return PORT.test(port) && Number(port) <= 65535 ? undefined : "port must be 1-65535";
}

/** Why `address` is not `host:port` (IPv6 hosts in brackets); undefined if it is. */
export function hostPortProblem(address: string): string | undefined {
  const colon = address.lastIndexOf(":");
  if (colon < 0) return "expected host:port";
  return hostProblem(address.slice(0, colon)) ?? portProblem(address.slice(colon + 1));
}

/**
 * Why a peer could not dial `endpoint`; undefined if it can. Accepted: `tcp://host:port` (IPv4,
 * bracketed IPv6 or DNS name; port 1-65535) and `ipc://path` (path at most 107 bytes). Refused:
 * wildcards, port 0, inproc (it never leaves its process) and anything else ZeroMQ would reject.
 */
export function dialableEndpointProblem(endpoint: string): string | undefined {
  if (endpoint.startsWith("tcp://")) return hostPortProblem(endpoint.slice("tcp://".length));
  if (endpoint.startsWith("ipc://")) {
    const path = endpoint.slice("ipc://".length);
    if (path.length === 0 || path === "*") return "ipc path must name a socket file";
    if (CONTROL_CHARACTER.test(path)) return "ipc path has control characters";
    const bytes = Buffer.byteLength(path);
    if (bytes > MAX_IPC_PATH_BYTES) return `ipc path of ${bytes} bytes exceeds ${MAX_IPC_PATH_BYTES}`;
    return undefined;
  }
  return "expected tcp://host:port or ipc://path";
}
