import type { Readable } from "zeromq";
import { endedByOwnClose } from "./closed-socket.js";

/**
 * Hands each message `socket` receives to `take` until the socket is closed, then resolves; rejects
 * on an error while the socket is still open, or when `take` throws. What `for await (const frames
 * of socket)` does, without zeromq.js's async iterator, which wraps every receive in an async
 * function, another promise and a result object: on the data plane, a measurable part of a round trip.
 *
 * @example
 * await receiveEach(router, ([identity, ...frames]) => reply(identity, frames));
 */
export async function receiveEach(
  socket: Pick<Readable, "receive"> & { readonly closed: boolean },
  take: (frames: Buffer[]) => void,
): Promise<void> {
  while (!socket.closed) {
    let frames: Buffer[];
    try {
      frames = await socket.receive();
    } catch (error) {
      if (endedByOwnClose(socket)) return;
      throw error;
    }
    take(frames);
  }
}
