// Docker HEALTHCHECK: healthy when the service answers HTTP 200 at HEALTHCHECK_URL within 2 s.
const url = process.env.HEALTHCHECK_URL ?? `http://127.0.0.1:${process.env.METRICS_PORT ?? 9100}/metrics`;
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
