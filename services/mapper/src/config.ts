import {
  intSetting,
  memberSettings,
  portSetting,
  securitySettings,
  zmqEndpointSetting,
} from "@zmesh/mesh/service";
import { z } from "zod";

/** Every setting of the mapper, read and checked once at start-up (documented in .env.example). */
export const mapperConfigSchema = z
  .object({
    MAPPER_BIND: zmqEndpointSetting("tcp://127.0.0.1:5555"),
    MAPPER_EVENTS_BIND: zmqEndpointSetting("tcp://127.0.0.1:5556"),
    HEARTBEAT_INTERVAL_MS: memberSettings.HEARTBEAT_INTERVAL_MS,
    EXPIRY_INTERVALS: intSetting(2, 100, 3),
    MAPPER_MAX_INSTANCES: intSetting(1, 1_000_000, 10_000),
    /** With CURVE: the most instances one key (one service) may register. */
    MAPPER_MAX_INSTANCES_PER_KEY: intSetting(1, 1_000_000, 1000),
    ...securitySettings,
    METRICS_HOST: z.string().min(1).default("127.0.0.1"),
    METRICS_PORT: portSetting(9100),
    LOG_LEVEL: memberSettings.LOG_LEVEL,
  })
  .superRefine((config, context) => {
    // Each bind needs an address of its own: name the clash before a bind fails on it.
    const binds = [
      ["MAPPER_BIND", config.MAPPER_BIND],
      ["MAPPER_EVENTS_BIND", config.MAPPER_EVENTS_BIND],
      ["METRICS_PORT", `tcp://${config.METRICS_HOST}:${config.METRICS_PORT}`],
    ] as const;
    for (const [index, [name, address]] of binds.entries())
      for (const [earlier, earlierAddress] of binds.slice(0, index))
        if (sameFixedAddress(address, earlierAddress))
          context.addIssue({
            code: "custom",
            path: [name],
            message: `must not take the same port as ${earlier} (${earlierAddress})`,
          });
  });

/** Two binds that would want one port (tcp, not 0 or *) or one ipc path; hosts aside, to be safe. */
function sameFixedAddress(a: string, b: string): boolean {
  if (a.startsWith("ipc://") || b.startsWith("ipc://")) return a === b;
  const port = (address: string) => /:(\d+)$/.exec(address)?.[1];
  return port(a) !== undefined && port(a) !== "0" && port(a) === port(b);
}

export type MapperConfig = z.infer<typeof mapperConfigSchema>;
