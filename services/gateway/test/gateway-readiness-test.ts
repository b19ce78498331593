import { startImageWorker, startMapperProcess, startSystem, useCleanup, waitFor } from "@zmesh/mesh/testing";
import type { FrameEvent, Readiness } from "../src/gateway-api.js";
import { useGatewayClients } from "./support/gateway-clients.js";

const cleanup = useCleanup();
const open = useGatewayClients();

/** Waits until /readyz answers `status` (within `timeoutMs`), and returns the body it answered with. */
async function readyzAnswers(base: string, status: 200 | 503, timeoutMs?: number): Promise<Readiness> {
  return waitFor(
    `readyz ${status}`,
    async () => {
      const response = await fetch(`${base}/readyz`);
      const body = (await response.json()) as Readiness;
      return response.status === status && body;
    },
    timeoutMs,
  );
}

/** A viewer of the default stream, so the gateway is rendering (and connected to its workers). */
function watch(base: string): FrameEvent[] {
  const frames: FrameEvent[] = [];
  open(base).on("frame", (frame) => frames.push(frame));
  return frames;
}

/** One image worker only, a viewer watching, the gateway ready. */
async function startWithOneWorker() {
  const system = await startSystem(cleanup, { READY_STALE_INTERVALS: "3", READY_FAILED_RENDERS: "3" }, [
    "solo",
  ]);
  const frames = watch(system.base);
  await waitFor("frames from the only worker", () => frames.length >= 3);
  await readyzAnswers(system.base, 200);
  return { ...system, frames };
}

describe("gateway readiness", () => {
  it("fails when the only image worker is SIGKILLed, and recovers when another registers", async () => {
    const { base, workers, mapperEndpoint, frames } = await startWithOneWorker();
    workers[0]?.kill("SIGKILL");
    const down = await readyzAnswers(base, 503, 5000);
    expect(down).toMatchObject({ ready: false, imageWorkers: 0 });
    expect(down.reasons).toContain("no usable image worker");

    cleanup.group.add({ again: startImageWorker(mapperEndpoint, "again") });
    const up = await readyzAnswers(base, 200, 10_000);
    expect(up).toMatchObject({ ready: true, reasons: [], imageWorkers: 1 });
    await waitFor(
      "frames from the new worker",
      () => frames.some((f) => f.worker === "image-worker-again"),
      5000,
    );
  });

  it("fails while the only image worker is SIGSTOPped, and recovers after SIGCONT", async () => {
    const { base, workers, frames } = await startWithOneWorker();
    workers[0]?.kill("SIGSTOP");
    const down = await readyzAnswers(base, 503, 6000);
    // Either the renders failing or the worker dropping out of choice gives it away, whichever is first.
    expect(down.reasons.join("; ")).toMatch(/frame renders failed|no usable image worker/);

    workers[0]?.kill("SIGCONT");
    const resumedAt = Date.now();
    await readyzAnswers(base, 200, 10_000);
    await waitFor("frames again", () => frames.some((f) => f.sentAt > resumedAt), 5000);
  });

  it("fails when the directory goes stale (mapper killed), and recovers when the mapper is back", async () => {
    const system = await startSystem(cleanup, { READY_STALE_INTERVALS: "3" });
    await readyzAnswers(system.base, 200);
    await system.mapper.stop();
    const down = await readyzAnswers(system.base, 503, 8000);
    expect(down.reasons.join("; ")).toMatch(/^directory stale: no event from the mapper for \d+ ms/);
    // Frames may still flow from the cached directory: readiness says the picture may be wrong.

    const port = Number(system.mapperEndpoint.split(":").pop());
    cleanup.group.add(await startMapperProcess({}, port));
    await readyzAnswers(system.base, 200, 15_000);
  });
});
