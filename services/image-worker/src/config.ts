import { hostname } from "node:os";
import { intSetting, memberSettings, workerServiceSettings } from "@zmesh/mesh/service";
import { z } from "zod";

/** Every setting of the image worker, read and checked once at start-up (documented in .env.example). */
export const imageWorkerConfigSchema = z.object({
  ...memberSettings,
  ...workerServiceSettings,
  /** Shown on every frame; defaults to the host name and process id. */
  WORKER_NAME: z.string().min(1).max(64).default(`${hostname()}-${process.pid}`),
  RENDER_THREADS: intSetting(1, 64, 2),
  RENDER_QUEUE: intSetting(0, 1000, 4),
});
