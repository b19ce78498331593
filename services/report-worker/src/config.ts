import { intSetting, memberSettings, portSetting, zmqEndpointSetting } from "@zmesh/mesh";
import { z } from "zod";

/** Every setting of the report worker, read and checked once at start-up (documented in .env.example). */
export const reportWorkerConfigSchema = z.object({
  ...memberSettings,
  JOB_BIND: zmqEndpointSetting("tcp://127.0.0.1:0"),
  JOB_ADVERTISE_HOST: z.string().min(1).optional(),
  /** The window a report covers, in seconds. */
  REPORT_WINDOW_S: intSetting(5, 86_400, 60),
  /** How often the directory is sampled into the history, in ms. */
  SAMPLE_INTERVAL_MS: intSetting(100, 60_000, 1000),
  DRAIN_TIMEOUT_MS: intSetting(0, 600_000, 10_000),
  METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  METRICS_PORT: portSetting(0),
});
