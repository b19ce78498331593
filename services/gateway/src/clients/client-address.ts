import type { IncomingHttpHeaders } from "node:http";

/** What Socket.IO tells us about a connecting client (the parts we read). */
export interface Handshake {
  address: string;
  headers: IncomingHttpHeaders;
}

/**
 * The address a client's limits are counted against: the socket's peer address, or, when the
 * gateway is told it sits behind a proxy, the last X-Forwarded-For entry. Only the last one was
 * written by our proxy; whatever comes before it is the client's own claim.
 *
 * @example
 * ```ts
 * const handshake = { address: "10.0.0.5", headers: { "x-forwarded-for": "6.6.6.6, 203.0.113.7" } };
 * clientAddress(handshake, false); // "10.0.0.5": the proxy itself
 * clientAddress(handshake, true); // "203.0.113.7": what our proxy saw, not the client's "6.6.6.6"
 * ```
 */
export function clientAddress(handshake: Handshake, trustForwardedFor: boolean): string {
  if (trustForwardedFor) {
    const header = handshake.headers["x-forwarded-for"];
    const last = (Array.isArray(header) ? header.join(",") : (header ?? "")).split(",").pop()?.trim();
    if (last) return normalise(last);
  }
  return normalise(handshake.address);
}

/** An IPv4 client on a dual-stack listener shows as ::ffff:a.b.c.d: count it as a.b.c.d. */
function normalise(address: string): string {
  return address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
}
