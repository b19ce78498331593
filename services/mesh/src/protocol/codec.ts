import {
  ErrorCode,
  MessageType,
  type MessageTypeName,
  messageTypeName,
  PROTOCOL_VERSION,
} from "./message-types.js";
import { type Headers, headerSchemas } from "./messages.js";

// Wire layout of every zmesh message, after any ROUTER identity frame:
//   frame 0  signature: 'Z' 'M' <version u8> <type u8>
//   frame 1  header: UTF-8 JSON, validated against the type's schema
//   frame 2  payload: raw bytes, REQUEST and REPLY only, optional (binary travels as is, no base64)

const MAGIC_0 = 0x5a; // 'Z'
const MAGIC_1 = 0x4d; // 'M'

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
const signatures = new Map<MessageTypeName, Buffer>(
  (Object.keys(MessageType) as MessageTypeName[]).map((name) => [
    name,
    Buffer.from([MAGIC_0, MAGIC_1, PROTOCOL_VERSION, MessageType[name]]),
  ]),
);

/** Encodes a message into frames. Headers are trusted here: only what we receive is validated. */
export function encode<K extends MessageTypeName>(
  type: K,
  header: Headers[K],
  payload?: Uint8Array,
): Buffer[] {
  const frames = [signatures.get(type) as Buffer, Buffer.from(JSON.stringify(header))];
  if (payload !== undefined && PAYLOAD_TYPES.has(type)) frames.push(asBuffer(payload));
  return frames;
}

export function decode(frames: readonly Uint8Array[], limits: DecodeLimits = defaultLimits): DecodeResult {
  const [signature, headerBytes, payload] = frames;
  if (signature === undefined || headerBytes === undefined) {
    return fail(ErrorCode.MALFORMED, `expected at least 2 frames, got ${frames.length}`);
  }
  if (signature.length !== 4 || signature[0] !== MAGIC_0 || signature[1] !== MAGIC_1) {
    return fail(ErrorCode.MALFORMED, "bad signature frame");
  }
  if (signature[2] !== PROTOCOL_VERSION) {
    return fail(
      ErrorCode.UNSUPPORTED_VERSION,
      `protocol version ${signature[2]}, this peer speaks ${PROTOCOL_VERSION}`,
    );
  }
  const type = messageTypeName(signature[3] as number);
  if (type === undefined)
    return fail(ErrorCode.UNKNOWN_TYPE, `unknown message type 0x${signature[3]?.toString(16)}`);
  if (headerBytes.length > limits.maxHeaderBytes) {
    return fail(
      ErrorCode.TOO_LARGE,
      `header of ${headerBytes.length} bytes exceeds ${limits.maxHeaderBytes}`,
    );
  }

  let raw: unknown;
  try {
    raw = JSON.parse(
      Buffer.from(headerBytes.buffer, headerBytes.byteOffset, headerBytes.length).toString("utf8"),
    );
  } catch {
    return fail(ErrorCode.MALFORMED, `${type} header is not valid JSON`);
  }
  const id = readId(raw);
  const maxFrames = PAYLOAD_TYPES.has(type) ? 3 : 2;
  if (frames.length > maxFrames)
    return fail(ErrorCode.MALFORMED, `${type} takes at most ${maxFrames} frames`, id);
  if (payload !== undefined && payload.length > limits.maxPayloadBytes) {
    return fail(
      ErrorCode.TOO_LARGE,
      `payload of ${payload.length} bytes exceeds ${limits.maxPayloadBytes}`,
      id,
    );
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

function fail(code: ErrorCode, reason: string, id?: number): DecodeFailure {
  return id === undefined ? { ok: false, code, reason } : { ok: false, code, reason, id };
}

function readId(raw: unknown): number | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const id = (raw as { id?: unknown }).id;
  return Number.isInteger(id) && (id as number) >= 0 ? (id as number) : undefined;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** ERROR frames for a reply: the id is included only when the request's id is known. */
export function encodeError(code: string, message: string, id?: number): Buffer[] {
  return encode("ERROR", id === undefined ? { code, message } : { id, code, message });
}

/** The correlation id of a message, for the types that carry one. */
export function idOf(message: Message): number | undefined {
  return "id" in message.header ? message.header.id : undefined;
}
