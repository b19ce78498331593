export {
  dialableEndpointProblem,
  hostPortProblem,
  MAX_IPC_PATH_BYTES,
} from "./addresses.js";
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
} from "./messages.js";
