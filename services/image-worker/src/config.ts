import { hostname } from "node:os";
import { intSetting, memberSettings, portSetting, zmqEndpointSetting } from "@zmesh/mesh";
import { z } from "zod";

/** Every setting of the image worker, read and checked once at start-up (documented in .env.example). */
export const imageWorkerConfigSchema = z.object({
  ...memberSettings,
  /** Shown on every frame; defaults to the host name and process id. */
  WORKER_NAME: z.string().min(1).max(64).default(`${hostname()}-${process.pid}`),
  JOB_BIND: zmqEndpointSetting("tcp://127.0.0.1:0"),
  JOB_ADVERTISE_HOST: z.string().min(1).optional(),
  RENDER_THREADS: intSetting(1, 64, 2),
  RENDER_QUEUE: intSetting(0, 1000, 4),
  DRAIN_TIMEOUT_MS: intSetting(0, 600_000, 10_000),
  METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  METRICS_PORT: portSetting(0),
});

export type ImageWorkerConfig = z.infer<typeof imageWorkerConfigSchema>;
