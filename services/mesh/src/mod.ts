// The public face of @zmesh/mesh: what services import. Anything not exported here is internal.

export {
  ConfigError,
  intSetting,
  loadConfig,
  loadConfigOrExit,
  memberSettings,
  portSetting,
  startOrExit,
  zmqEndpointSetting,
} from "./config/env.js";
export { DirectoryCache } from "./directory/directory-cache.js";
export { type Change, MapperClient } from "./directory/mapper-client.js";
export { CallFailure, MeshError } from "./errors.js";
export { onShutdownSignal } from "./lifecycle.js";
export { type MapperOptions, type MapperServer, startMapper } from "./mapper/mapper-server.js";
export { createLogger, type Logger, silentLogger } from "./observability/logger.js";
export { type MetricsServer, serveMetrics } from "./observability/metrics-server.js";
export { collectProcessMetrics } from "./observability/process-metrics.js";
export { PeerClient, type PeerClientOptions } from "./peer/peer-client.js";
export {
  ErrorCode,
  type HealthState,
  type InstanceRecord,
  type Load,
  PROTOCOL_VERSION,
} from "./protocol/mod.js";
export { DealerChannel } from "./transport/dealer-channel.js";
export { advertisedEndpoint } from "./transport/endpoints.js";
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
export {
  runWorkerService,
  type WorkerServiceOptions,
  workerServiceSettings,
} from "./worker/worker-service.js";
