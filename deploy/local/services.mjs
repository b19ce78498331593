// The processes `make run` starts, in one table: adding a worker type to `make run` is one entry.

/**
 * @typedef {object} ServiceEntry
 * @property {string} name its log prefix (with `-1`, `-2`, ... when it has replicas)
 * @property {string} script the compiled entry point, from the repository root
 * @property {(config: LauncherSettings) => number} [replicas] how many to start (one when absent)
 * @property {(replica: number) => Record<string, string>} [env] its own settings, by replica (from 1)
 * @property {boolean} [metricsPort] false when it serves /metrics on a port of its own choosing
 */

/** @typedef {{ IMAGE_WORKERS: number, METRICS_PORT: number }} LauncherSettings */

/**
 * Every service, in start order. The first is the mapper: it is stopped last, after the members
 * have deregistered.
 * @type {readonly ServiceEntry[]}
 */
export const SERVICES = [
  { name: "mapper", script: "services/mapper/dist/src/main.js" },
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
  return services.flatMap((service) => {
    const count = service.replicas?.(config) ?? 1;
    return Array.from({ length: count }, (_, index) => {
      const replica = index + 1;
      const env = { ...service.env?.(replica) };
      if (service.metricsPort !== false) {
        env.METRICS_PORT = String(config.METRICS_PORT === 0 ? 0 : config.METRICS_PORT + nextMetricsOffset);
        nextMetricsOffset += 1;
      }
      const name = service.replicas ? `${service.name}-${replica}` : service.name;
      return { name, script: service.script, env };
    });
  });
}
