/**
 * Rethrows `error` unless it is how zeromq.js ends a loop over a socket that was closed under it
 * (a pending receive rejects with EAGAIN once the socket is closed). Any other error is a bug to
 * surface, not a reason to stop reading in silence.
 */
export function rethrowUnlessClosed(error: unknown, socket: { readonly closed: boolean }): void {
  if (socket.closed) return;
  throw error;
}
