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
