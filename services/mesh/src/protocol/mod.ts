export {
  type DecodeFailure,
  type DecodeLimits,
  type DecodeResult,
  decode,
  defaultLimits,
  encode,
  encodeError,
  idOf,
  type Message,
  type MessageOf,
} from "./codec.js";
export { ErrorCode, MessageType, type MessageTypeName, PROTOCOL_VERSION } from "./message-types.js";
export {
  type ChangeKind,
  type Headers,
  type HealthState,
  headerSchemas,
  type InstanceRecord,
  type Load,
  loadSchema,
} from "./messages.js";
