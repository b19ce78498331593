// Layer 0: a mesh activity report from load history. Pure: samples in, report out.

/** What the report worker keeps of each instance at each sample (from the directory). */
export interface InstanceSample {
  service: string;
  instanceId: string;
  state: string;
  utilization: number;
  served: number;
  refused: number;
}

export interface Sample {
  at: number;
  instances: InstanceSample[];
}

export interface InstanceReport {
  id: string;
  state: string;
  loadNow: number;
  loadMean: number;
  loadMax: number;
  /** Jobs served and refused (BUSY) within the window. */
  served: number;
  refused: number;
  /** Of the service's jobs served in the window, this instance's part (0-1): for image workers, its share of frames. */
  share: number;
}

export interface ServiceReport {
  service: string;
  served: number;
  refused: number;
  instances: InstanceReport[];
}

export interface Thumbnail {
  worker: string;
  jpegBase64: string;
}

export interface Report {
  generatedAt: string;
  windowSeconds: number;
  samples: number;
  services: ServiceReport[];
  thumbnail?: Thumbnail;
}

/** Adds a sample and drops those older than the window: the history never grows past it. */
export function recordSample(history: readonly Sample[], sample: Sample, windowMs: number): Sample[] {
  return [...history.filter((s) => s.at > sample.at - windowMs), sample];
}

/**
 * The report over the last `windowMs` of samples, as of `now`: per service and instance, load now,
 * mean and max, jobs served and refused, and each instance's share of its service's jobs. Pure.
 */
export function buildReport(history: readonly Sample[], windowMs: number, now: number): Report {
  const series = new Map<string, InstanceSample[]>();
  for (const sample of history) {
    for (const instance of sample.instances) {
      const key = `${instance.service}\u0000${instance.instanceId}`;
      series.set(key, [...(series.get(key) ?? []), instance]);
    }
  }
  const latest = new Set((history.at(-1)?.instances ?? []).map((i) => `${i.service}\u0000${i.instanceId}`));
  const byService = new Map<string, InstanceReport[]>();
  for (const [key, points] of series) {
    if (!latest.has(key)) continue; // gone before the end of the window
    const first = points[0] as InstanceSample;
    const last = points.at(-1) as InstanceSample;
    const loads = points.map((p) => p.utilization);
    const instances = byService.get(last.service) ?? [];
    instances.push({
      id: last.instanceId,
      state: last.state,
      loadNow: round(last.utilization),
      loadMean: round(loads.reduce((a, b) => a + b, 0) / loads.length),
      loadMax: round(Math.max(...loads)),
      // Counters since the instance started: the window's part is the difference (a restart resets them).
      served: Math.max(0, last.served - (points.length > 1 ? first.served : 0)),
      refused: Math.max(0, last.refused - (points.length > 1 ? first.refused : 0)),
      share: 0,
    });
    byService.set(last.service, instances);
  }
  const services = [...byService]
    .map(([service, instances]) => {
      const served = instances.reduce((sum, i) => sum + i.served, 0);
      const refused = instances.reduce((sum, i) => sum + i.refused, 0);
      for (const instance of instances) instance.share = served > 0 ? round(instance.served / served) : 0;
      instances.sort((a, b) => a.id.localeCompare(b.id));
      return { service, served, refused, instances };
    })
    .sort((a, b) => a.service.localeCompare(b.service));
  return {
    generatedAt: new Date(now).toISOString(),
    windowSeconds: Math.round(windowMs / 1000),
    samples: history.length,
    services,
  };
}

const CSV_COLUMNS = [
  "service",
  "instance",
  "state",
  "load_now",
  "load_mean",
  "load_max",
  "served",
  "refused",
  "share",
];

/** One row per instance; RFC 4180 quoting for anything that needs it. */
export function reportToCsv(report: Report): string {
  const rows = report.services.flatMap((s) =>
    s.instances.map((i) => [
      s.service,
      i.id,
      i.state,
      i.loadNow,
      i.loadMean,
      i.loadMax,
      i.served,
      i.refused,
      i.share,
    ]),
  );
  return `${[CSV_COLUMNS, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n")}\r\n`;
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
