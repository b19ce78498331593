import { collectDefaultMetrics, type Registry, register } from "prom-client";

// prom-client names these gauges with a `_total` suffix, which Prometheus reserves for counters
// (`promtool check metrics` rejects them). The same numbers stay available without the suffix.
const MISNAMED = [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
];

/** Node.js and process metrics (CPU, memory, event loop lag, GC) under Prometheus naming rules. */
export function collectProcessMetrics(registry: Registry = register): void {
  collectDefaultMetrics({ register: registry });
  for (const name of MISNAMED) registry.removeSingleMetric(name);
}
