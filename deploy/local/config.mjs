// The launcher's own settings, validated like every service's (documented in .env.example).
import { ConfigError, intSetting, loadConfig, portSetting, zmqEndpointSetting } from "@zmesh/mesh/service";
import { z } from "zod";

const launcherConfigSchema = z.object({
  IMAGE_WORKERS: intSetting(1, 64, 2),
  // The launcher polls the gateway's /readyz on this port, so it must be a fixed one (not 0).
  GATEWAY_PORT: intSetting(1, 65535, 8080),
  GATEWAY_HOST: z.string().min(1).default("127.0.0.1"),
  // The mapper's metrics port; the other processes take the next ones (0: each picks a free port).
  METRICS_PORT: portSetting(9100),
  MAPPER_ENDPOINT: zmqEndpointSetting("tcp://127.0.0.1:5555"),
  LOG_FORMAT: z.enum(["pretty", "json"], { message: "expected pretty or json" }).default("pretty"),
  READY_TIMEOUT_S: intSetting(1, 600, 30),
});

/**
 * Reads the launcher's settings; a bad one stops it (exit code 2) with the variable's name and what
 * it allows, before any process is started.
 * @param {NodeJS.ProcessEnv} env
 */
export function loadLauncherConfig(env) {
  let config;
  try {
    config = loadConfig(launcherConfigSchema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    exitWith(error.message);
  }
  const lastMetricsPort = config.METRICS_PORT + config.IMAGE_WORKERS + 1;
  if (config.METRICS_PORT !== 0 && lastMetricsPort > 65535)
    exitWith(
      `invalid configuration:\n  METRICS_PORT: ports ${config.METRICS_PORT}-${lastMetricsPort} are needed, past 65535`,
    );
  return config;
}

/** @param {string} message @returns {never} */
function exitWith(message) {
  process.stderr.write(`make run: ${message}\n`);
  process.exit(2);
}
