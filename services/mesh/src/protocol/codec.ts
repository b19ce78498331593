import { hotHeader } from "./hot-headers.js";
import {
  BATCH_CODE,
  ErrorCode,
  MessageType,
  type MessageTypeName,
  messageTypeName,
  PROTOCOL_VERSION,
} from "./message-types.js";
import { type Headers, headerSchemas } from "./messages.js";

// Wire layout of every zmesh message, after any ROUTER identity frame:
//   frame 0  'Z' 'M' <version u8> <type u8>, then the header: UTF-8 JSON validated against the type's schema
//   frame 1  payload: raw bytes, REQUEST and REPLY only, optional (binary travels as is, no base64)
// Signature and header share a frame because every frame costs a trip through zeromq.js.

export const MAGIC_0 = 0x5a; // 'Z'
export const MAGIC_1 = 0x4d; // 'M'
/** 'Z' 'M' <version> <type>: the first bytes of every message's frame 0, a BATCH's included. */
export const SIGNATURE_BYTES = 4;

export type Message = {
  [K in MessageTypeName]: { type: K; header: Headers[K]; payload?: Uint8Array };
}[MessageTypeName];
export type MessageOf<K extends MessageTypeName> = Extract<Message, { type: K }>;

export interface DecodeLimits {
  maxHeaderBytes: number;
  maxPayloadBytes: number;
}

export const defaultLimits: DecodeLimits = { maxHeaderBytes: 1 << 20, maxPayloadBytes: 16 << 20 };

export type DecodeFailure = {
  ok: false;
  code: ErrorCode;
  reason: string;
  /** The sender's message id, when the header was readable: lets the receiver answer with ERROR. */
  id?: number;
};
export type DecodeResult = { ok: true; message: Message } | DecodeFailure;

const PAYLOAD_TYPES: ReadonlySet<MessageTypeName> = new Set(["REQUEST", "REPLY"]);

/** Encodes a message into frames. Headers are trusted here: only what we receive is validated. */
export function encode<K extends MessageTypeName>(
  type: K,
  header: Headers[K],
  payload?: Uint8Array,
): Buffer[] {
  const json = JSON.stringify(header);
  const head = Buffer.allocUnsafe(SIGNATURE_BYTES + Buffer.byteLength(json));
  head[0] = MAGIC_0;
  head[1] = MAGIC_1;
  head[2] = PROTOCOL_VERSION;
  head[3] = MessageType[type];
  head.write(json, SIGNATURE_BYTES, "utf8");
  if (payload !== undefined && payload.byteLength > 0 && PAYLOAD_TYPES.has(type))
    return [head, asBuffer(payload)];
  return [head];
}

/** Each type's signature as text: the same four bytes as `encode` writes, all ASCII, so UTF-8 keeps them. */
const SIGNATURE_TEXT = Object.fromEntries(
  Object.entries(MessageType).map(([type, code]) => [
    type,
    String.fromCharCode(MAGIC_0, MAGIC_1, PROTOCOL_VERSION, code),
  ]),
) as Record<MessageTypeName, string>;

/** A message as encodeForSend makes it: the header frame as text, and the payload when there is one. */
export type OutgoingFrames = [string] | [string, Buffer];

/**
 * `encode` for a socket: the same bytes on the wire, with the header frame as a string. zeromq.js
 * sends a string from its own UTF-8 copy, where a Buffer over 128 bytes (a REQUEST header often is)
 * is lent and handed back through the main thread, which costs more than the copy.
 */
export function encodeForSend<K extends MessageTypeName>(
  type: K,
  header: Headers[K],
  payload?: Uint8Array,
): OutgoingFrames {
  const head = SIGNATURE_TEXT[type] + JSON.stringify(header);
  if (payload !== undefined && payload.byteLength > 0 && PAYLOAD_TYPES.has(type))
    return [head, asBuffer(payload)];
  return [head];
}

/**
 * Reads and validates one message (the frames after any ROUTER identity). Never throws: anything
 * malformed, oversized or unknown comes back as a failure with its error code, a reason, and the
 * sender's id when the header was readable, so the receiver can answer ERROR.
 *
 * @example
 * const decoded = decode(frames);
 * if (!decoded.ok) return reply(encodeError(decoded.code, decoded.reason, decoded.id));
 * handle(decoded.message);
 */
export function decode(frames: readonly Uint8Array[], limits: DecodeLimits = defaultLimits): DecodeResult {
  const [head, payload] = frames;
  if (head === undefined) return fail(ErrorCode.MALFORMED, "empty message");
  if (head.length < SIGNATURE_BYTES || head[0] !== MAGIC_0 || head[1] !== MAGIC_1) {
    return fail(ErrorCode.MALFORMED, "bad signature");
  }
  if (head[2] !== PROTOCOL_VERSION) {
    return fail(
      ErrorCode.UNSUPPORTED_VERSION,
      `protocol version ${head[2]}, this peer speaks ${PROTOCOL_VERSION}`,
    );
  }
  if (head[3] === BATCH_CODE)
    return fail(
      ErrorCode.UNEXPECTED_TYPE,
      "a BATCH travels only between a caller and a worker, never nested",
    );
  const type = messageTypeName(head[3] as number);
  if (type === undefined)
    return fail(ErrorCode.UNKNOWN_TYPE, `unknown message type 0x${head[3]?.toString(16)}`);
  if (head.length - SIGNATURE_BYTES > limits.maxHeaderBytes) {
    return fail(
      ErrorCode.TOO_LARGE,
      `header of ${head.length - SIGNATURE_BYTES} bytes exceeds ${limits.maxHeaderBytes}`,
    );
  }

  let raw: unknown;
  try {
    raw = JSON.parse(asBuffer(head).toString("utf8", SIGNATURE_BYTES));
  } catch {
    return fail(ErrorCode.MALFORMED, `${type} header is not valid JSON`);
  }
  const id = readId(raw);
  const maxFrames = PAYLOAD_TYPES.has(type) ? 2 : 1;
  if (frames.length > maxFrames)
    return fail(ErrorCode.MALFORMED, `${type} takes at most ${maxFrames} frames`, id);
  if (payload !== undefined && payload.length > limits.maxPayloadBytes) {
    return fail(
      ErrorCode.TOO_LARGE,
      `payload of ${payload.length} bytes exceeds ${limits.maxPayloadBytes}`,
      id,
    );
  }

  const hot = hotHeader(type, raw);
  if (hot !== undefined) {
    const message = { type, header: hot } as Message;
    if (payload !== undefined) message.payload = payload;
    return { ok: true, message };
  }
  const parsed = headerSchemas[type].safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "header";
    return fail(ErrorCode.MALFORMED, `${type} ${where}: ${issue?.message ?? "invalid"}`, id);
  }
  const message = { type, header: parsed.data } as Message;
  if (payload !== undefined) message.payload = payload;
  return { ok: true, message };
}

/** A decode failure; the id only when the sender's id is known (the receiver then answers ERROR with it). */
export function fail(code: ErrorCode, reason: string, id?: number): DecodeFailure {
  return id === undefined ? { ok: false, code, reason } : { ok: false, code, reason, id };
}

function readId(raw: unknown): number | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const id = (raw as { id?: unknown }).id;
  return Number.isInteger(id) && (id as number) >= 0 ? (id as number) : undefined;
}

/** The same bytes as a Buffer, without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** ERROR frames for a reply, for a socket: the id is included only when the request's id is known. */
export function encodeError(code: string, message: string, id?: number): OutgoingFrames {
  return encodeForSend("ERROR", id === undefined ? { code, message } : { id, code, message });
}

/** The correlation id of a message, for the types that carry one. */
export function idOf(message: Message): number | undefined {
  return "id" in message.header ? message.header.id : undefined;
}
