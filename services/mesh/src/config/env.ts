import { z } from "zod";
import { splitEndpoints } from "../transport/endpoints.js";

/** Thrown when the environment does not describe a valid configuration. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Reads and validates a service's settings from environment variables in one step.
 * The error names each bad variable and what it allows, e.g.
 * `HEARTBEAT_INTERVAL_MS: Too small: expected number to be >=100 (got "5")`.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? "?");
    const value = env[variable];
    return `  ${variable}: ${issue.message}${value === undefined ? "" : ` (got ${JSON.stringify(value)})`}`;
  });
  throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
}

/** loadConfig for a service's entry point: a bad setting stops the process with exit code 2. */
export function loadConfigOrExit<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}

/** An integer setting with bounds, read from a string. */
export function intSetting(min: number, max: number, fallback: number) {
  return z.coerce
    .number({ message: `expected an integer from ${min} to ${max}` })
    .int(`expected an integer from ${min} to ${max}`)
    .min(min, `expected an integer from ${min} to ${max}`)
    .max(max, `expected an integer from ${min} to ${max}`)
    .default(fallback);
}

/** A TCP port setting, 0 to 65535 (0: any free port). */
export const portSetting = (fallback: number) => intSetting(0, 65535, fallback);

const ZMQ_ENDPOINT = /^(tcp:\/\/[^\s:]+:(\d+|\*)|ipc:\/\/\S+)$/;

/** A ZeroMQ endpoint setting: `tcp://host:port` (port `*` or 0 for any) or `ipc://path`. */
export const zmqEndpointSetting = (fallback: string) =>
  z.string().regex(ZMQ_ENDPOINT, "expected a ZeroMQ endpoint such as tcp://127.0.0.1:5555").default(fallback);

/** A yes/no setting: 1/true/yes or 0/false/no. */
export const flagSetting = (fallback: boolean) =>
  z
    .enum(["1", "0", "true", "false", "yes", "no"], { message: "expected 1 or 0 (true/false, yes/no)" })
    .default(fallback ? "1" : "0")
    .transform((value) => ["1", "true", "yes"].includes(value));

/** How a process's sockets are secured: CURVE with the key set in ZMESH_KEYS, unless ZMESH_INSECURE=1. */
export const securitySettings = {
  ZMESH_INSECURE: flagSetting(false),
  /** The mesh's key set: a folder of <name>.pub and <name>.key files (npx zmesh keys init). */
  ZMESH_KEYS: z.string().min(1).default(".zmesh/keys"),
};

/**
 * Several ZeroMQ endpoints, comma-separated (`MAPPER_ENDPOINTS`): each checked as
 * zmqEndpointSetting checks one; read as a list (unset or blank: undefined).
 */
export const zmqEndpointListSetting = () =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined ? [] : splitEndpoints(value)))
    .pipe(
      z.array(
        z
          .string()
          .regex(
            ZMQ_ENDPOINT,
            "expected comma-separated ZeroMQ endpoints such as tcp://10.0.0.1:5555,tcp://10.0.0.2:5555",
          ),
      ),
    )
    .transform((endpoints) => (endpoints.length > 0 ? endpoints : undefined));

/** Settings every mesh member shares. */
export const memberSettings = {
  ...securitySettings,
  MAPPER_ENDPOINT: zmqEndpointSetting("tcp://127.0.0.1:5555"),
  /**
   * Every mapper replica, when there are several (or one DNS name for all of them, resolved again
   * every few heartbeats: `tcp://tasks.mapper:5555` in a Swarm). Members register with each and
   * callers merge their directories. Unset: MAPPER_ENDPOINT alone.
   */
  MAPPER_ENDPOINTS: zmqEndpointListSetting(),
  HEARTBEAT_INTERVAL_MS: intSetting(100, 60_000, 1000),
  LOG_LEVEL: z
    .enum(["error", "warn", "info", "debug"], { message: "expected one of error, warn, info, debug" })
    .default("info"),
};

/** The mappers a member talks to: MAPPER_ENDPOINTS when set, else MAPPER_ENDPOINT alone. */
export function mapperEndpointsOf(settings: {
  MAPPER_ENDPOINT: string;
  MAPPER_ENDPOINTS?: string[] | undefined;
}): string[] {
  return settings.MAPPER_ENDPOINTS ?? [settings.MAPPER_ENDPOINT];
}

/**
 * Runs one step of a service's start-up that binds addresses; an address already in use stops the
 * process with a message naming the setting that chose it, instead of a stack trace. Give each bind
 * its own call with its own setting, so the right one is blamed.
 *
 * @example
 * const metrics = await startOrExit(() => serveMetrics(register, config.METRICS_PORT), {
 *   METRICS_PORT: config.METRICS_PORT,
 * });
 */
export async function startOrExit<T>(
  start: () => Promise<T>,
  settings: Record<string, string | number>,
): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if ((error as { code?: string }).code !== "EADDRINUSE") throw error;
    const [variable, value] = blame(error as { address?: string; port?: number }, settings);
    process.stderr.write(`address in use: ${value} (${variable}); set ${variable} to a free port\n`);
    process.exit(2);
  }
}

/** The setting that chose the address in use: the only one given, or the one with the same port. */
function blame(
  error: { address?: string; port?: number },
  settings: Record<string, string | number>,
): [string, string | number] {
  const entries = Object.entries(settings);
  if (entries.length === 1) return entries[0] as [string, string | number];
  const port = error.port ?? portOf(error.address ?? "");
  return entries.find(([, value]) => portOf(value) === port) ?? ["?", error.address ?? port ?? "?"];
}

/** The port in a setting: a number, or the digits after the last ':' of an endpoint. */
function portOf(value: string | number): number | undefined {
  if (typeof value === "number") return value;
  const match = /:(\d+)$/.exec(value);
  return match ? Number(match[1]) : undefined;
}
