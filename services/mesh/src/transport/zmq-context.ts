import { context } from "zeromq";

/**
 * Sockets one process may open. ZeroMQ's default (1,023) is fixed when the first socket is made
 * and ends in EMFILE past it; a caller of many services legitimately needs more. Per-service
 * connections are bounded by the peer client's subset, so this is headroom, not a licence.
 */
export const MAX_SOCKETS = 4096;

if (context.maxSockets < MAX_SOCKETS) context.maxSockets = MAX_SOCKETS;
