/**
 * `bytes` in a buffer of their own. Structured cloning (postMessage to a thread) copies a view's
 * whole underlying buffer: a payload read from a BATCH is a view of the batch's frame, so a thread
 * would get every message of the batch, up to 32 payloads, to read one.
 */
export function ownBytes(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes
    : new Uint8Array(bytes);
}
