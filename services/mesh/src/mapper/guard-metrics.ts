import { Counter, type Registry } from "prom-client";

const cache = new WeakMap<Registry, ReturnType<typeof build>>();

function build(registry: Registry) {
  return {
    refusals: new Counter({
      name: "zmesh_registry_refusals_total",
      help: "REGISTER messages refused although well-formed, by reason (directory_full).",
      labelNames: ["reason"],
      registers: [registry],
    }),
    answerFailures: new Counter({
      name: "zmesh_mapper_answer_failures_total",
      help: "Messages the mapper failed to answer normally (answered ERROR INTERNAL), by message type.",
      labelNames: ["type"],
      registers: [registry],
    }),
  };
}

/** The mapper's counters for what it refuses or fails at; created once per registry. */
export function mapperGuardMetrics(registry: Registry): ReturnType<typeof build> {
  let metrics = cache.get(registry);
  if (metrics === undefined) {
    metrics = build(registry);
    cache.set(registry, metrics);
  }
  return metrics;
}
