/** Wire version carried in every message's signature frame. Bump on any incompatible change. */
export const PROTOCOL_VERSION = 1;

/** Message type codes: the fourth byte of the signature frame. */
export const MessageType = {
  // control plane: member or client -> mapper
  REGISTER: 0x01,
  HEARTBEAT: 0x02,
  DEREGISTER: 0x03,
  GET_PEERS: 0x04,
  // control plane: mapper -> member or client
  ACK: 0x10,
  PEERS: 0x11,
  // directory events: mapper PUB -> watchers
  SNAPSHOT: 0x20,
  CHANGE: 0x21,
  // data plane: peer -> worker, worker -> peer
  REQUEST: 0x30,
  REPLY: 0x31,
  BUSY: 0x32,
  // any direction, in answer to a request
  ERROR: 0x7f,
} as const;

/**
 * Not a message but a container of them (see batch.ts): data-plane messages to one peer, sent as one
 * ZeroMQ message. Its code shares the signature byte with the message types.
 */
export const BATCH_CODE = 0x40;

export type MessageTypeName = keyof typeof MessageType;
export type MessageTypeCode = (typeof MessageType)[MessageTypeName];

const namesByCode = new Map<number, MessageTypeName>(
  Object.entries(MessageType).map(([name, code]) => [code, name as MessageTypeName]),
);

/** The name of a message type code; undefined for a code not in the protocol. */
export function messageTypeName(code: number): MessageTypeName | undefined {
  return namesByCode.get(code);
}

/** Error codes carried by ERROR messages. */
export const ErrorCode = {
  MALFORMED: "MALFORMED",
  UNSUPPORTED_VERSION: "UNSUPPORTED_VERSION",
  UNKNOWN_TYPE: "UNKNOWN_TYPE",
  UNEXPECTED_TYPE: "UNEXPECTED_TYPE",
  TOO_LARGE: "TOO_LARGE",
  UNKNOWN_INSTANCE: "UNKNOWN_INSTANCE",
  UNKNOWN_JOB: "UNKNOWN_JOB",
  WRONG_SERVICE: "WRONG_SERVICE",
  DEADLINE_EXCEEDED: "DEADLINE_EXCEEDED",
  JOB_FAILED: "JOB_FAILED",
  DIRECTORY_FULL: "DIRECTORY_FULL",
  FORBIDDEN: "FORBIDDEN",
  INTERNAL: "INTERNAL",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
