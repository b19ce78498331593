/**
 * True when a loop over `socket` ended because we closed it: zeromq.js then rejects the pending
 * receive with EAGAIN (and ends a `for await` normally). An error on a socket still open is a bug to
 * surface, not a reason to stop reading in silence.
 */
export function endedByOwnClose(socket: { readonly closed: boolean }): boolean {
  return socket.closed;
}
