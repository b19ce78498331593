import { type Registry, register } from "prom-client";
import { z } from "zod";
import {
  intSetting,
  mapperEndpointsOf,
  portSetting,
  startOrExit,
  zmqEndpointSetting,
} from "../config/env.js";
import { securityFromSettings } from "../config/security-from-settings.js";
import { onShutdownSignal } from "../lifecycle.js";
import type { ProcessLogger } from "../observability/logger.js";
import { serveMetrics } from "../observability/metrics-server.js";
import type { JobDefinition } from "./jobs.js";
import { startWorker, type WorkerRuntime } from "./worker-runtime.js";

/** Settings every worker service shares, besides `memberSettings`. */
export const workerServiceSettings = {
  /** Where it listens for jobs; port 0 picks a free port, which it advertises to the mapper. */
  JOB_BIND: zmqEndpointSetting("tcp://127.0.0.1:0"),
  /** The host peers should dial, when it is not the bind host (containers). */
  JOB_ADVERTISE_HOST: z.string().min(1).optional(),
  DRAIN_TIMEOUT_MS: intSetting(0, 600_000, 10_000),
  METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  METRICS_PORT: portSetting(0),
};

type WorkerServiceSettings = z.infer<z.ZodObject<typeof workerServiceSettings>> & {
  MAPPER_ENDPOINT: string;
  MAPPER_ENDPOINTS?: string[] | undefined;
  HEARTBEAT_INTERVAL_MS: number;
  ZMESH_INSECURE: boolean;
  ZMESH_KEYS: string;
};

export interface WorkerServiceOptions {
  service: string;
  instanceId: string;
  settings: WorkerServiceSettings;
  jobs: Record<string, JobDefinition>;
  logger: ProcessLogger;
  registry?: Registry;
  /** Runs after the drain, before exit: close what the service opened itself. */
  onStop?: () => Promise<void> | void;
}

/**
 * The life of a worker service: /metrics, the worker runtime registered with the mapper, and a
 * graceful drain on SIGTERM. A port in use stops the process naming the setting that chose it.
 */
export async function runWorkerService(options: WorkerServiceOptions): Promise<WorkerRuntime> {
  const { service, instanceId, settings, jobs, logger, registry = register } = options;
  const metrics = await startOrExit(
    () => serveMetrics(registry, settings.METRICS_PORT, settings.METRICS_HOST),
    {
      METRICS_PORT: settings.METRICS_PORT,
    },
  );
  const worker = await startOrExit(
    () =>
      startWorker({
        service,
        instanceId,
        mapperEndpoints: mapperEndpointsOf(settings),
        bind: settings.JOB_BIND,
        ...(settings.JOB_ADVERTISE_HOST ? { advertiseHost: settings.JOB_ADVERTISE_HOST } : {}),
        metricsPort: metrics.port,
        heartbeatIntervalMs: settings.HEARTBEAT_INTERVAL_MS,
        logger,
        metrics: registry,
        jobs,
        security: securityFromSettings(settings, service, logger),
      }),
    { JOB_BIND: settings.JOB_BIND },
  );
  logger.info("metrics listening", { port: metrics.port });
  onShutdownSignal(logger, async () => {
    await worker.drain(settings.DRAIN_TIMEOUT_MS);
    await options.onStop?.();
    await metrics.close();
  });
  return worker;
}
