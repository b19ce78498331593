// An example mesh worker, also the worker the component tests and benchmarks run as a real process.
// Jobs: noop, echo, sleep {ms}, burn {ms} (CPU on a thread), relay {service, job, body} (calls a peer).
import { hostname } from "node:os";
import {
  createLogger,
  intSetting,
  jsonResult,
  loadConfigOrExit,
  memberSettings,
  onShutdownSignal,
  parseJson,
  portSetting,
  serveMetrics,
  startWorker,
  zmqEndpointSetting,
} from "@zmesh/mesh";
import { register } from "prom-client";
import { z } from "zod";

const config = loadConfigOrExit(
  z.object({
    ...memberSettings,
    SERVICE_NAME: z.string().default("echo"),
    JOB_BIND: zmqEndpointSetting("tcp://127.0.0.1:0"),
    SLEEP_CONCURRENCY: intSetting(1, 1000, 1),
    SLEEP_QUEUE: intSetting(0, 1000, 1),
    BURN_THREADS: intSetting(1, 64, 2),
    DRAIN_TIMEOUT_MS: intSetting(0, 600_000, 10_000),
    METRICS_HOST: z.string().default("127.0.0.1"),
    METRICS_PORT: portSetting(0),
  }),
);
const instanceId = `${config.SERVICE_NAME}-${hostname()}-${process.pid}`;
const logger = createLogger({ service: config.SERVICE_NAME, instance: instanceId, level: config.LOG_LEVEL });
const EMPTY = new Uint8Array(0);
register.setDefaultLabels({ service: config.SERVICE_NAME, instance_id: instanceId });
const metrics = await serveMetrics(register, config.METRICS_PORT, config.METRICS_HOST);

const worker = await startWorker({
  service: config.SERVICE_NAME,
  instanceId,
  mapperEndpoint: config.MAPPER_ENDPOINT,
  bind: config.JOB_BIND,
  heartbeatIntervalMs: config.HEARTBEAT_INTERVAL_MS,
  metricsAddress: `${config.METRICS_HOST}:${metrics.port}`,
  logger,
  jobs: {
    noop: {
      concurrency: 64,
      queueCapacity: 1024,
      run: () => ({ payload: EMPTY, contentType: "application/octet-stream" }),
    },
    echo: {
      concurrency: 64,
      queueCapacity: 1024,
      run: ({ payload, contentType }) => ({ payload, contentType }),
    },
    sleep: {
      concurrency: config.SLEEP_CONCURRENCY,
      queueCapacity: config.SLEEP_QUEUE,
      run: async ({ payload, traceId }) => {
        const { ms } = parseJson<{ ms: number }>(payload);
        await new Promise((resolve) => setTimeout(resolve, ms));
        return jsonResult({ slept: ms, by: instanceId, traceId });
      },
    },
    burn: {
      concurrency: config.BURN_THREADS,
      queueCapacity: 16,
      threadModule: new URL("./burn-thread.js", import.meta.url),
    },
    relay: {
      concurrency: 16,
      queueCapacity: 64,
      run: async ({ payload, traceId }, context) => {
        const { service, job, body } = parseJson<{ service: string; job: string; body: unknown }>(payload);
        const reply = await context.call(service, job, Buffer.from(JSON.stringify(body ?? {})), {
          contentType: "application/json",
        });
        return jsonResult({ relayedBy: instanceId, traceId, reply: parseJson(reply.payload) });
      },
    },
  },
});

onShutdownSignal(logger, async () => {
  await worker.drain(config.DRAIN_TIMEOUT_MS);
  await metrics.close();
});
