import {
  createLogger,
  loadConfigOrExit,
  onShutdownSignal,
  serveMetrics,
  startOrExit,
  startWorker,
} from "@zmesh/mesh";
import { collectDefaultMetrics, register } from "prom-client";
import { imageWorkerConfigSchema } from "./config.js";

const SERVICE = "image-worker";
const config = loadConfigOrExit(imageWorkerConfigSchema);
const instanceId = `${SERVICE}-${config.WORKER_NAME}`;
const logger = createLogger({ service: SERVICE, instance: instanceId, level: config.LOG_LEVEL });
register.setDefaultLabels({ service: SERVICE, instance_id: instanceId });
collectDefaultMetrics();

const metrics = await startOrExit(() => serveMetrics(register, config.METRICS_PORT, config.METRICS_HOST), {
  METRICS_PORT: config.METRICS_PORT,
});
const worker = await startOrExit(
  () =>
    startWorker({
      service: SERVICE,
      instanceId,
      mapperEndpoint: config.MAPPER_ENDPOINT,
      bind: config.JOB_BIND,
      ...(config.JOB_ADVERTISE_HOST ? { advertiseHost: config.JOB_ADVERTISE_HOST } : {}),
      metricsAddress: `${config.JOB_ADVERTISE_HOST ?? config.METRICS_HOST}:${metrics.port}`,
      heartbeatIntervalMs: config.HEARTBEAT_INTERVAL_MS,
      logger,
      jobs: {
        // Rendering is CPU-bound (jimp): on threads, so heartbeats and socket I/O never wait for it.
        render: {
          concurrency: config.RENDER_THREADS,
          queueCapacity: config.RENDER_QUEUE,
          threadModule: new URL("./render-thread.js", import.meta.url),
          threadData: { workerName: config.WORKER_NAME },
        },
      },
    }),
  { JOB_BIND: config.JOB_BIND },
);
logger.info("metrics listening", { port: metrics.port });

onShutdownSignal(logger, async () => {
  await worker.drain(config.DRAIN_TIMEOUT_MS);
  await metrics.close();
});
