// An example mesh worker, also the worker the component tests and benchmarks run as a real process.
// Jobs: noop, echo, sleep {ms}, burn {ms} (CPU on a thread), relay {service, job, body} (calls a peer).
import { hostname } from "node:os";
import { jsonResult, parseJson } from "@zmesh/mesh";
import {
  createLogger,
  intSetting,
  loadConfigOrExit,
  memberSettings,
  runWorkerService,
  workerServiceSettings,
} from "@zmesh/mesh/service";
import { register } from "prom-client";
import { z } from "zod";

const config = loadConfigOrExit(
  z.object({
    ...memberSettings,
    ...workerServiceSettings,
    SERVICE_NAME: z.string().default("echo"),
    SLEEP_CONCURRENCY: intSetting(1, 1000, 1),
    ECHO_DELAY_MS: intSetting(0, 10_000, 0),
    SLEEP_QUEUE: intSetting(0, 1000, 1),
    BURN_THREADS: intSetting(1, 64, 2),
  }),
);
const instanceId = `${config.SERVICE_NAME}-${hostname()}-${process.pid}`;
const logger = createLogger({ service: config.SERVICE_NAME, instance: instanceId, level: config.LOG_LEVEL });
register.setDefaultLabels({ service: config.SERVICE_NAME, instance_id: instanceId });
const EMPTY = new Uint8Array(0);

await runWorkerService({
  service: config.SERVICE_NAME,
  instanceId,
  settings: config,
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
      // At once, or after ECHO_DELAY_MS (a slow instance, for the benchmark's skewed fleet).
      run: ({ payload, contentType }) =>
        config.ECHO_DELAY_MS === 0
          ? { payload, contentType }
          : new Promise((done) => setTimeout(() => done({ payload, contentType }), config.ECHO_DELAY_MS)),
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
