import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { repoRoot } from "./repo-root.js";

/** The p-th percentile (0-100) of samples sorted in ascending order. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Round trips one at a time: each one's duration in microseconds. */
export async function measureLatency(roundTrip: () => Promise<unknown>, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    await roundTrip();
    samples.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  return samples;
}

/** Keeps `window` requests in flight until `total` have completed: requests per second. */
export async function measureThroughput(roundTrip: () => Promise<unknown>, total: number, window: number) {
  let started = 0;
  const begin = performance.now();
  const lane = async () => {
    while (started < total) {
      started++;
      await roundTrip();
    }
  };
  await Promise.all(Array.from({ length: window }, lane));
  return { requestsPerSecond: total / ((performance.now() - begin) / 1000) };
}

/**
 * Writes a benchmark's figures to bench/results/<name>-<time>.json (to compare runs) and says where.
 *
 * @example
 * saveBenchResults("mesh", { at: new Date().toISOString(), rows });
 */
export function saveBenchResults(name: string, results: unknown, at = new Date().toISOString()): string {
  const dir = resolve(repoRoot, "bench/results");
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, `${name}-${at.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nfigures written to ${file}\n`);
  return file;
}
