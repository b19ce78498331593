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
