import { freePortRange } from "../../../chaos/support/free-ports.js";

/** The launcher's settings for a mesh on the ports from `base` on (gateway, mapper, events, metrics...). */
export function launcherPorts(base: number): Record<string, string> {
  const mapper = `tcp://127.0.0.1:${base + 1}`;
  return {
    GATEWAY_PORT: String(base),
    MAPPER_BIND: mapper,
    MAPPER_ENDPOINT: mapper,
    MAPPER_EVENTS_BIND: `tcp://127.0.0.1:${base + 2}`,
    METRICS_PORT: String(base + 3),
  };
}

/**
 * Settings for a `make run` with `imageWorkers` image workers on free ports: the gateway's, the
 * mapper's two, and one metrics port per process the launcher's table starts.
 */
export async function freeLauncherSettings(imageWorkers = 2): Promise<Record<string, string>> {
  const { localProcesses } = await import("../../services.mjs");
  const processes = localProcesses({ IMAGE_WORKERS: imageWorkers, METRICS_PORT: 1 });
  const metricsPorts = processes.filter((process) => process.env.METRICS_PORT !== undefined).length;
  const base = await freePortRange(3 + metricsPorts);
  return { ...launcherPorts(base), IMAGE_WORKERS: String(imageWorkers) };
}
