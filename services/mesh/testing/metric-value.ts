/**
 * The value of one sample on a Prometheus `/metrics` page: the series named `name` whose labels
 * include `labels` (others, such as `service`, may be there too); undefined when there is none.
 */
export async function metricValue(
  url: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const page = await (await fetch(url)).text();
  for (const line of page.split("\n")) {
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample || sample[1] !== name) continue;
    const present = new Map(
      [...(sample[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [
        m[1],
        m[2],
      ]),
    );
    if (Object.entries(labels).every(([label, value]) => present.get(label) === value))
      return Number(sample[3]);
  }
  return undefined;
}
