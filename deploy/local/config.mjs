// The launcher's own settings, validated like every service's (documented in .env.example).
import {
  ConfigError,
  intSetting,
  loadConfig,
  portSetting,
  securitySettings,
  zmqEndpointSetting,
} from "@zmesh/mesh/service";
import { z } from "zod";
import { localProcesses, replicaEndpoint } from "./services.mjs";

const launcherConfigSchema = z.object({
  IMAGE_WORKERS: intSetting(1, 64, 2),
  // Mapper replicas: every member registers with each, every caller merges their directories.
  MAPPERS: intSetting(1, 9, 1),
  // The launcher polls the gateway's /readyz on this port, so it must be a fixed one (not 0).
  GATEWAY_PORT: intSetting(1, 65535, 8080),
  GATEWAY_HOST: z.string().min(1).default("127.0.0.1"),
  // The mapper's metrics port; the other processes take the next ones (0: each picks a free port).
  METRICS_PORT: portSetting(9100),
  MAPPER_ENDPOINT: zmqEndpointSetting("tcp://127.0.0.1:5555"),
  // Read here only to check it against MAPPER_ENDPOINT: the mapper binds it, the others dial that.
  MAPPER_BIND: zmqEndpointSetting("tcp://127.0.0.1:5555"),
  MAPPER_EVENTS_BIND: zmqEndpointSetting("tcp://127.0.0.1:5556"),
  LOG_FORMAT: z.enum(["pretty", "json"], { message: "expected pretty or json" }).default("pretty"),
  READY_TIMEOUT_S: intSetting(1, 600, 30),
  // Read as every service reads them: the launcher makes the key set the services will load.
  ...securitySettings,
});

/** @typedef {z.infer<typeof launcherConfigSchema>} LauncherConfig */

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
  const problems = crossCheck(config);
  if (problems.length) exitWith(`invalid configuration:\n${problems.map((line) => `  ${line}`).join("\n")}`);
  return config;
}

/**
 * What no single setting shows: the mapper must bind where the others dial, and the ports the
 * processes take must exist and not clash. One line per problem, naming the variables.
 * @param {LauncherConfig} config
 * @returns {string[]}
 */
export function crossCheck(config) {
  const metrics = metricsPorts(config);
  const last = Math.max(...metrics);
  if (last > 65535)
    return [`METRICS_PORT: ports ${config.METRICS_PORT}-${last} are needed (one per process), past 65535`];
  return [...mapperAddressProblems(config), ...replicaProblems(config), ...portClashes(config, metrics)];
}

/**
 * Every process dials MAPPER_ENDPOINT; only the mapper reads MAPPER_BIND: on one host they must
 * name the same port (or the same ipc path), or nothing ever registers.
 * @param {LauncherConfig} config
 */
function mapperAddressProblems({ MAPPER_ENDPOINT: endpoint, MAPPER_BIND: bind }) {
  const same = endpoint.startsWith("ipc://") ? endpoint === bind : portOf(endpoint) === portOf(bind);
  return same
    ? []
    : [`MAPPER_ENDPOINT, MAPPER_BIND: the processes would dial ${endpoint} but the mapper binds ${bind}`];
}

/**
 * Several mappers each take their own ports, counted from tcp binds: ipc has no port to count from.
 * @param {LauncherConfig} config
 */
function replicaProblems(config) {
  if (
    config.MAPPERS === 1 ||
    [config.MAPPER_BIND, config.MAPPER_EVENTS_BIND].every((e) => e.startsWith("tcp://"))
  )
    return [];
  return [
    "MAPPERS, MAPPER_BIND, MAPPER_EVENTS_BIND: more than one mapper needs tcp binds (each next replica takes the next ports)",
  ];
}

/**
 * The fixed ports the settings choose, each wanted by one process only.
 * @param {LauncherConfig} config @param {number[]} metrics
 */
function portClashes(config, metrics) {
  /** @type {[string, number[]][]} */
  const claims = [
    ["GATEWAY_PORT", [config.GATEWAY_PORT]],
    [
      config.MAPPERS > 1 ? "MAPPER_BIND (one port per mapper)" : "MAPPER_BIND",
      replicaPorts(config, config.MAPPER_BIND),
    ],
    [
      config.MAPPERS > 1 ? "MAPPER_EVENTS_BIND (one port per mapper)" : "MAPPER_EVENTS_BIND",
      replicaPorts(config, config.MAPPER_EVENTS_BIND),
    ],
    [`METRICS_PORT (${metrics.length} ports from ${config.METRICS_PORT} on, one per process)`, metrics],
  ];
  const fixed = claims.map(
    ([name, ports]) => /** @type {[string, number[]]} */ ([name, ports.filter((p) => p > 0)]),
  );
  const problems = [];
  for (const [i, [name, ports]] of fixed.entries())
    for (const [other, otherPorts] of fixed.slice(i + 1)) {
      const shared = ports.find((port) => otherPorts.includes(port));
      if (shared !== undefined) problems.push(`${name}, ${other}: both want port ${shared}`);
    }
  return problems;
}

/** The ports every mapper replica binds for one setting. @param {LauncherConfig} config @param {string} endpoint */
function replicaPorts(config, endpoint) {
  return Array.from({ length: config.MAPPERS }, (_, index) => portOf(replicaEndpoint(endpoint, index + 1)));
}

/** @param {LauncherConfig} config */
function metricsPorts(config) {
  if (config.METRICS_PORT === 0) return [];
  return localProcesses(config).flatMap((process) =>
    process.env.METRICS_PORT === undefined ? [] : [Number(process.env.METRICS_PORT)],
  );
}

/** The port of a tcp endpoint (0 for `*`, or for ipc: it takes none). @param {string} endpoint */
function portOf(endpoint) {
  const port = /^tcp:\/\/.*:(\d+|\*)$/.exec(endpoint)?.[1];
  return port === undefined || port === "*" ? 0 : Number(port);
}

/** @param {string} message @returns {never} */
function exitWith(message) {
  process.stderr.write(`make run: ${message}\n`);
  process.exit(2);
}
