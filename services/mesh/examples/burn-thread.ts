// Runs on a worker thread: spins the CPU for the requested time, like a heavy render would.
import type { JobRequest, JobResult } from "@zmesh/mesh";

export default function burn(request: JobRequest): JobResult {
  const { ms } = JSON.parse(Buffer.from(request.payload).toString("utf8")) as { ms: number };
  const until = performance.now() + ms;
  let spins = 0;
  while (performance.now() < until) spins++;
  return { payload: Buffer.from(JSON.stringify({ burnedMs: ms, spins })), contentType: "application/json" };
}
