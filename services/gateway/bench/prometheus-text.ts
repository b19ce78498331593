/** One sample of a Prometheus text exposition. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Samples of a /metrics answer (comments skipped). */
export function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const match of text.matchAll(/^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/gm)) {
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g))
      labels[label[1] as string] = label[2] ?? "";
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The growth of counter `name` between two scrapes, per value of `label` ("" sums every series). */
export function counterGrowth(
  before: readonly Sample[],
  after: readonly Sample[],
  name: string,
  label = "",
): Record<string, number> {
  const growth: Record<string, number> = {};
  const add = (samples: readonly Sample[], sign: number) => {
    for (const s of samples) {
      if (s.name !== name) continue;
      const key = label ? (s.labels[label] ?? "") : "all";
      growth[key] = (growth[key] ?? 0) + sign * s.value;
    }
  };
  add(after, 1);
  add(before, -1);
  for (const [key, value] of Object.entries(growth)) if (value === 0) delete growth[key];
  return growth;
}

/** The sum over every series of `name` in one scrape (a gauge). */
export function gaugeSum(samples: readonly Sample[], name: string): number {
  return samples.filter((s) => s.name === name).reduce((sum, s) => sum + s.value, 0);
}
