// The public face of @zmesh/mesh, the library: call workers, serve jobs, run a mapper, watch the
// directory. It never exits the process. A service's entry point also uses @zmesh/mesh/service;
// tests and benchmarks use @zmesh/mesh/testing. Anything not exported here is internal.

export type { DirectoryView } from "./directory/directory-cache.js";
export { type Change, MapperClient } from "./directory/mapper-client.js";
export { CallFailure, failureLabel, MeshError } from "./errors.js";
export { type MapperOptions, type MapperServer, startMapper } from "./mapper/mapper-server.js";
export { type LogFields, type Logger, silentLogger } from "./observability/logger.js";
export { PeerClient, type PeerClientOptions } from "./peer/peer-client.js";
export {
  ErrorCode,
  type HealthState,
  type InstanceRecord,
  type Load,
  PROTOCOL_VERSION,
} from "./protocol/mod.js";
export { MAPPER_KEY, type MeshKeys, readKeySet, writeKeySet } from "./security/key-set.js";
export { INSECURE, type MeshSecurity } from "./security/mesh-security.js";
export {
  type CallOptions,
  type CallResult,
  type JobContext,
  type JobDefinition,
  type JobHandler,
  type JobRequest,
  type JobResult,
  JSON_CONTENT_TYPE,
  jsonResult,
  parseJson,
  type ThreadJobHandler,
} from "./worker/jobs.js";
export { ThreadPool } from "./worker/thread-pool.js";
export { startWorker, type WorkerOptions, type WorkerRuntime } from "./worker/worker-runtime.js";
