/** What one /metrics page exposes: each metric's type, and the labels its samples carry. */
export type Exposition = Map<string, { type: string; labels: Set<string> }>;

/** Labels every series has (prom-client defaults) or that belong to the metric type itself. */
const IMPLIED_LABELS = new Set(["service", "instance_id", "le", "quantile"]);

/** Reads Prometheus's text format: `# TYPE` lines name the metrics, sample lines give their labels. */
export function parseExposition(text: string): Exposition {
  const metrics: Exposition = new Map();
  for (const line of text.split("\n")) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) metrics.set(type[1] as string, { type: type[2] as string, labels: new Set() });
  }
  for (const line of text.split("\n")) {
    const sample = /^([a-zA-Z_:][\w:]*)\{([^}]*)\}/.exec(line);
    if (!sample) continue;
    const name = sample[1] as string;
    const metric = metrics.get(name) ?? metrics.get(name.replace(/_(bucket|sum|count)$/, ""));
    for (const [, label] of (sample[2] as string).matchAll(/(\w+)="/g))
      if (
        !IMPLIED_LABELS.has(label as string) ||
        (name.startsWith("zmesh_registry_instance_load") && label === "instance_id")
      )
        metric?.labels.add(label as string);
  }
  return metrics;
}

/** One row of docs/metrics.md's table. */
export interface DocumentedMetric {
  type: string;
  labels: string[];
  services: string[];
}

/** The rows of docs/metrics.md's table: `| \`name\` | type | \`label\`, ... | service, ... | meaning |`. */
export function documentedMetrics(markdown: string): Map<string, DocumentedMetric> {
  const rows = new Map<string, DocumentedMetric>();
  for (const line of markdown.split("\n")) {
    const cells = /^\|\s*`(\w+)`\s*\|(.*)$/.exec(line);
    if (!cells) continue;
    const [type = "", labels = "", services = ""] = (cells[2] as string)
      .split("|")
      .map((cell) => cell.trim());
    rows.set(cells[1] as string, {
      type,
      labels: labels ? labels.split(",").map((label) => label.trim().replace(/`/g, "")) : [],
      services: services.split(",").map((service) => service.trim()),
    });
  }
  return rows;
}
