import { intSetting, memberSettings, portSetting, zmqEndpointSetting } from "@zmesh/mesh/service";
import { z } from "zod";

/** Every setting of the mapper, read and checked once at start-up (documented in .env.example). */
export const mapperConfigSchema = z.object({
  MAPPER_BIND: zmqEndpointSetting("tcp://127.0.0.1:5555"),
  MAPPER_EVENTS_BIND: zmqEndpointSetting("tcp://127.0.0.1:5556"),
  HEARTBEAT_INTERVAL_MS: memberSettings.HEARTBEAT_INTERVAL_MS,
  EXPIRY_INTERVALS: intSetting(2, 100, 3),
  MAPPER_MAX_INSTANCES: intSetting(1, 1_000_000, 10_000),
  METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  METRICS_PORT: portSetting(9100),
  LOG_LEVEL: memberSettings.LOG_LEVEL,
});

export type MapperConfig = z.infer<typeof mapperConfigSchema>;
