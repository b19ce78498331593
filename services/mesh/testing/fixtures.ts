import { encode, type Load } from "../src/protocol/mod.js";
import { ProcessGroup } from "./service-process.js";

/**
 * Per-test cleanup for component tests: processes started through `group` are killed and clients
 * passed to `closeLater` are closed after each test, pass or fail.
 */
export function useCleanup() {
  const group = new ProcessGroup();
  const closables: { close(): void }[] = [];
  afterEach(async () => {
    for (const closable of closables.splice(0)) closable.close();
    await group.stopAll();
  });
  return {
    group,
    closeLater<T extends { close(): void }>(closable: T): T {
      closables.push(closable);
      return closable;
    },
  };
}

/** A REQUEST for the example worker's JSON jobs, built for a raw socket. */
export function jsonRequest(id: number, job: string, body: unknown, timeoutMs = 10_000): Buffer[] {
  const header = {
    id,
    service: "echo",
    job,
    timeoutMs,
    traceId: `raw-${id}`,
    contentType: "application/json",
  };
  return encode("REQUEST", header, Buffer.from(JSON.stringify(body)));
}

/** A worker's load report: idle, four slots of job type `echo`, unless told otherwise. */
export function sampleLoad(overrides: Partial<Load> = {}): Load {
  return {
    inFlight: 0,
    queued: 0,
    capacity: 4,
    utilization: 0,
    jobs: { echo: { used: 0, slots: 4 } },
    latencyMs: 0,
    served: 0,
    refused: 0,
    ...overrides,
  };
}
