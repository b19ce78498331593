// @zmesh/mesh/service: what a service's entry point uses to become a process: settings read and
// checked from the environment, a logger, /metrics, start-up that names the setting at fault, and a
// graceful stop on SIGTERM. These may exit the process; the library face (mod.ts) never does.

export {
  ConfigError,
  flagSetting,
  intSetting,
  loadConfig,
  loadConfigOrExit,
  mapperEndpointsOf,
  memberSettings,
  portSetting,
  securitySettings,
  startOrExit,
  zmqEndpointSetting,
} from "./config/env.js";
export { securityFromSettings } from "./config/security-from-settings.js";
export { onShutdownSignal } from "./lifecycle.js";
export { LogThrottle } from "./observability/log-throttle.js";
export { createLogger, type LoggerOptions, type ProcessLogger } from "./observability/logger.js";
export { type MetricsServer, serveMetrics } from "./observability/metrics-server.js";
export { collectProcessMetrics } from "./observability/process-metrics.js";
export {
  runWorkerService,
  type WorkerServiceOptions,
  workerServiceSettings,
} from "./worker/worker-service.js";
