export {
  dialableEndpointProblem,
  hostPortProblem,
  MAX_IPC_PATH_BYTES,
} from "./addresses.js";
export {
  decodeEach,
  encodeBatch,
  isBatch,
  MAX_BATCH_MESSAGES,
  MAX_BATCH_PAYLOAD_BYTES,
} from "./batch.js";
export {
  type DecodeFailure,
  type DecodeLimits,
  type DecodeResult,
  decode,
  defaultLimits,
  encode,
  encodeError,
  encodeForSend,
  idOf,
  type Message,
  type MessageOf,
  type OutgoingFrames,
} from "./codec.js";
export {
  BATCH_CODE,
  ErrorCode,
  MessageType,
  type MessageTypeName,
  PROTOCOL_VERSION,
} from "./message-types.js";
export {
  type ChangeKind,
  contentTypeOf,
  DEFAULT_CONTENT_TYPE,
  type DirectoryChange,
  type Headers,
  type HealthState,
  headerSchemas,
  type InstanceRecord,
  LOAD_LIMITS,
  type Load,
  loadSchema,
  MAX_PAGE_INSTANCES,
  MAX_SNAPSHOT_PARTS,
  SERVICE_NAME,
  setContentType,
} from "./messages.js";
