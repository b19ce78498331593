import { hostname } from "node:os";
import { startMapper } from "@zmesh/mesh";
import {
  collectProcessMetrics,
  createLogger,
  loadConfigOrExit,
  onShutdownSignal,
  securityFromSettings,
  serveMetrics,
  startOrExit,
} from "@zmesh/mesh/service";
import { register } from "prom-client";
import { mapperConfigSchema } from "./config.js";
import { scrapeTargets } from "./scrape-targets.js";

const config = loadConfigOrExit(mapperConfigSchema);
const logger = createLogger({
  service: "mapper",
  instance: `mapper-${hostname()}-${process.pid}`,
  level: config.LOG_LEVEL,
});
register.setDefaultLabels({ service: "mapper" });
collectProcessMetrics();

const mapper = await startOrExit(
  () =>
    startMapper({
      bind: config.MAPPER_BIND,
      eventsBind: config.MAPPER_EVENTS_BIND,
      heartbeatIntervalMs: config.HEARTBEAT_INTERVAL_MS,
      expiryIntervals: config.EXPIRY_INTERVALS,
      maxInstances: config.MAPPER_MAX_INSTANCES,
      maxInstancesPerKey: config.MAPPER_MAX_INSTANCES_PER_KEY,
      security: securityFromSettings(config, "mapper", logger),
      logger,
    }),
  { MAPPER_BIND: config.MAPPER_BIND, MAPPER_EVENTS_BIND: config.MAPPER_EVENTS_BIND },
);
// GET /sd: the directory's metrics addresses as Prometheus HTTP service discovery (deploy/prometheus).
const metricsServer = await startOrExit(
  () =>
    serveMetrics(register, config.METRICS_PORT, config.METRICS_HOST, {
      "/sd": () => scrapeTargets(mapper.instances()),
    }),
  { METRICS_PORT: config.METRICS_PORT },
);
logger.info("metrics listening", { port: metricsServer.port });

onShutdownSignal(logger, async () => {
  await mapper.close();
  await metricsServer.close();
});
