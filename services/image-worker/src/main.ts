import { collectProcessMetrics, createLogger, loadConfigOrExit, runWorkerService } from "@zmesh/mesh/service";
import { register } from "prom-client";
import { imageWorkerConfigSchema } from "./config.js";

const SERVICE = "image-worker";
const config = loadConfigOrExit(imageWorkerConfigSchema);
const instanceId = `${SERVICE}-${config.WORKER_NAME}`;
const logger = createLogger({ service: SERVICE, instance: instanceId, level: config.LOG_LEVEL });
register.setDefaultLabels({ service: SERVICE, instance_id: instanceId });
collectProcessMetrics();

await runWorkerService({
  service: SERVICE,
  instanceId,
  settings: config,
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
});
