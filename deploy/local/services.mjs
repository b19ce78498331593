// The processes `make run` starts, in one table: adding a worker type to `make run` is one entry.

/**
 * @typedef {object} ServiceEntry
 * @property {string} name its log prefix (with `-1`, `-2`, ... when it has replicas)
 * @property {string} script the compiled entry point, from the repository root
 * @property {(config: LauncherSettings) => number} [replicas] how many to start (one when absent)
 * @property {(replica: number, config: LauncherSettings) => Record<string, string>} [env] its own settings, by replica (from 1)
 * @property {boolean} [metricsPort] false when it serves /metrics on a port of its own choosing
 * @property {boolean} [plainWhenOne] named without `-1` when one replica is started
 * @property {boolean} [mapper] it is a mapper replica: the others register with every one
 */

/**
 * @typedef {{ IMAGE_WORKERS: number, METRICS_PORT: number, MAPPERS?: number,
 *   MAPPER_ENDPOINT?: string, MAPPER_BIND?: string, MAPPER_EVENTS_BIND?: string }} LauncherSettings
 */

/**
 * Mapper replica `replica` (from 1) takes the configured ports plus 2 per replica before it: with
 * the defaults, mapper-1 on 5555/5556, mapper-2 on 5557/5558.
 * @param {string} endpoint a tcp endpoint (or ipc, left as is) @param {number} replica
 */
export function replicaEndpoint(endpoint, replica) {
  return endpoint.replace(/:(\d+)$/, (_, port) => `:${Number(port) + 2 * (replica - 1)}`);
}

/**
 * What every member and caller is told when there are several mappers: each replica's endpoint,
 * on MAPPER_ENDPOINT's host (nothing with one mapper: MAPPER_ENDPOINT alone, as before).
 * @param {LauncherSettings} config @returns {Record<string, string>}
 */
export function mapperEndpointsEnv(config) {
  const count = config.MAPPERS ?? 1;
  if (count <= 1) return {};
  const endpoint = config.MAPPER_ENDPOINT ?? "tcp://127.0.0.1:5555";
  const endpoints = Array.from({ length: count }, (_, index) => replicaEndpoint(endpoint, index + 1));
  return { MAPPER_ENDPOINTS: endpoints.join(",") };
}

/**
 * Every service, in start order. The first are the mapper replicas (one unless MAPPERS says more):
 * they are stopped last, after the members have deregistered.
 * @type {readonly ServiceEntry[]}
 */
export const SERVICES = [
  {
    name: "mapper",
    script: "services/mapper/dist/src/main.js",
    mapper: true,
    plainWhenOne: true,
    replicas: (config) => config.MAPPERS ?? 1,
    // Replica 1 binds as configured (MAPPER_BIND, MAPPER_EVENTS_BIND); each next one two ports on.
    env: (replica, config) =>
      replica === 1
        ? {}
        : {
            MAPPER_BIND: replicaEndpoint(config.MAPPER_BIND ?? "tcp://127.0.0.1:5555", replica),
            MAPPER_EVENTS_BIND: replicaEndpoint(config.MAPPER_EVENTS_BIND ?? "tcp://127.0.0.1:5556", replica),
          },
  },
  {
    name: "image",
    script: "services/image-worker/dist/src/main.js",
    replicas: (config) => config.IMAGE_WORKERS,
    env: (replica) => ({ WORKER_NAME: `local-${replica}` }),
  },
  { name: "reports", script: "services/report-worker/dist/src/main.js" },
  // The README's `npx zmesh call echo sleep '{"ms":5}'` needs one.
  { name: "echo", script: "services/mesh/dist/examples/echo-worker.js" },
  // Serves /metrics on GATEWAY_PORT.
  { name: "gateway", script: "services/gateway/dist/src/main.js", metricsPort: false },
];

/**
 * One process to start: its name, script and own settings, the metrics port included (the mapper
 * on METRICS_PORT, each next process on the next port; every one on 0 when METRICS_PORT is 0).
 * @typedef {{ name: string, script: string, env: Record<string, string> }} LocalProcess
 */

/**
 * The table expanded for these settings: one row per process.
 * @param {LauncherSettings} config @param {readonly ServiceEntry[]} [services]
 * @returns {LocalProcess[]}
 */
export function localProcesses(config, services = SERVICES) {
  let nextMetricsOffset = 0;
  const mappers = mapperEndpointsEnv(config);
  return services.flatMap((service) => {
    const count = service.replicas?.(config) ?? 1;
    return Array.from({ length: count }, (_, index) => {
      const replica = index + 1;
      const env = { ...(service.mapper ? {} : mappers), ...service.env?.(replica, config) };
      if (service.metricsPort !== false) {
        env.METRICS_PORT = String(config.METRICS_PORT === 0 ? 0 : config.METRICS_PORT + nextMetricsOffset);
        nextMetricsOffset += 1;
      }
      const numbered = service.replicas && !(service.plainWhenOne && count === 1);
      const name = numbered ? `${service.name}-${replica}` : service.name;
      return { name, script: service.script, env };
    });
  });
}
