import {
  asBuffer,
  type DecodeLimits,
  type DecodeResult,
  decode,
  defaultLimits,
  fail,
  idOf,
  MAGIC_0,
  MAGIC_1,
  type OutgoingFrames,
  SIGNATURE_BYTES,
} from "./codec.js";
import { BATCH_CODE, ErrorCode, type MessageTypeName, PROTOCOL_VERSION } from "./message-types.js";

// A BATCH carries several data-plane messages to one peer in one ZeroMQ frame:
//   'Z' 'M' <version> 0x40, then for each message, 1 to MAX_BATCH_MESSAGES of them:
//   <u32 BE length> the message's frame 0 (signature and header)   <u32 BE length> its payload (may be empty)
// Each message in it is decoded and answered on its own, exactly as if it had come alone. A batch
// only saves zeromq.js's cost per send and per frame, which was half of a caller's and a worker's CPU.

/** Most messages in one BATCH: past it a sender starts another (32 kept both ends busy; 64 made them take turns). */
export const MAX_BATCH_MESSAGES = 32;
/** Payload bytes past which a sender starts another batch, and a message with more travels alone. */
export const MAX_BATCH_PAYLOAD_BYTES = 1 << 20;
/** What may travel in a BATCH: the data plane's messages. */
const BATCHABLE_TYPES: ReadonlySet<MessageTypeName> = new Set(["REQUEST", "REPLY", "BUSY", "ERROR"]);

const LENGTH_BYTES = 4;

/** True when `head` (a message's first frame) opens a BATCH of this protocol version. */
export function isBatch(head: Uint8Array | undefined): head is Uint8Array {
  return (
    head !== undefined &&
    head.length >= SIGNATURE_BYTES &&
    head[3] === BATCH_CODE &&
    head[0] === MAGIC_0 &&
    head[1] === MAGIC_1 &&
    head[2] === PROTOCOL_VERSION
  );
}

/**
 * The one frame of a BATCH holding `messages` (each as encodeForSend made it). The sender keeps a
 * batch within MAX_BATCH_MESSAGES; a lone message is better sent as itself.
 */
export function encodeBatch(messages: readonly OutgoingFrames[]): Buffer {
  let size = SIGNATURE_BYTES;
  for (const [head, payload] of messages)
    size += 2 * LENGTH_BYTES + Buffer.byteLength(head) + (payload?.byteLength ?? 0);
  const frame = Buffer.allocUnsafe(size);
  frame.writeUInt32BE(((MAGIC_0 << 24) | (MAGIC_1 << 16) | (PROTOCOL_VERSION << 8) | BATCH_CODE) >>> 0, 0);
  let at = SIGNATURE_BYTES;
  for (const [head, payload] of messages) {
    const headBytes = frame.write(head, at + LENGTH_BYTES, "utf8");
    frame.writeUInt32BE(headBytes, at);
    at += LENGTH_BYTES + headBytes;
    const payloadBytes = payload?.byteLength ?? 0;
    frame.writeUInt32BE(payloadBytes, at);
    at += LENGTH_BYTES;
    if (payload) at += payload.copy(frame, at);
  }
  return frame;
}

/**
 * Decodes a message, or each message of a BATCH in order, calling `visit` with each result; never
 * throws. A batch whose framing is broken is one failure, and none of its messages is read (no id
 * in it can be trusted); a message in a sound batch that fails, or is not a data-plane message, is a
 * failure of its own and the others still count.
 */
export function decodeEach(
  frames: readonly Uint8Array[],
  visit: (result: DecodeResult) => void,
  limits: DecodeLimits = defaultLimits,
): void {
  const [first] = frames;
  if (!isBatch(first)) {
    visit(decode(frames, limits));
    return;
  }
  const batch = asBuffer(first);
  const bounds = frames.length === 1 ? entryBounds(batch) : undefined;
  if (bounds === undefined) {
    const reason = `a BATCH is one frame: its signature, then 1 to ${MAX_BATCH_MESSAGES} length-prefixed messages`;
    visit(fail(ErrorCode.MALFORMED, reason));
    return;
  }
  for (let i = 0; i < bounds.length; i += 3) {
    const head = batch.subarray(bounds[i], bounds[i + 1]);
    const payload = batch.subarray((bounds[i + 1] as number) + LENGTH_BYTES, bounds[i + 2]);
    const result = decode(payload.length > 0 ? [head, payload] : [head], limits);
    if (result.ok && !BATCHABLE_TYPES.has(result.message.type)) visit(notBatchable(result.message));
    else visit(result);
  }
}

/**
 * Where each message of a BATCH lies, as [headStart, headEnd, payloadEnd] triples (a payload starts
 * LENGTH_BYTES after its head ends); undefined when the lengths do not tile the frame exactly or
 * there are too few or too many messages.
 */
function entryBounds(batch: Buffer): number[] | undefined {
  const bounds: number[] = [];
  let at = SIGNATURE_BYTES;
  while (at < batch.length) {
    if (bounds.length / 3 >= MAX_BATCH_MESSAGES || at + LENGTH_BYTES > batch.length) return undefined;
    const headEnd = at + LENGTH_BYTES + batch.readUInt32BE(at);
    if (headEnd + LENGTH_BYTES > batch.length) return undefined;
    const payloadEnd = headEnd + LENGTH_BYTES + batch.readUInt32BE(headEnd);
    if (payloadEnd > batch.length) return undefined;
    bounds.push(at + LENGTH_BYTES, headEnd, payloadEnd);
    at = payloadEnd;
  }
  return bounds.length > 0 ? bounds : undefined;
}

function notBatchable(message: Extract<DecodeResult, { ok: true }>["message"]): DecodeResult {
  return fail(ErrorCode.UNEXPECTED_TYPE, `${message.type} does not travel in a BATCH`, idOf(message));
}
