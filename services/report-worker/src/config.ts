import { intSetting, memberSettings, workerServiceSettings } from "@zmesh/mesh/service";
import { z } from "zod";

/** Every setting of the report worker, read and checked once at start-up (documented in .env.example). */
export const reportWorkerConfigSchema = z.object({
  ...memberSettings,
  ...workerServiceSettings,
  /** The window a report covers, in seconds. */
  REPORT_WINDOW_S: intSetting(5, 86_400, 60),
  /** How often the directory is sampled into the history, in ms. */
  SAMPLE_INTERVAL_MS: intSetting(100, 60_000, 1000),
});
