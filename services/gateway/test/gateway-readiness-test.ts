import { startImageWorker, startMapperProcess, startSystem, useCleanup, waitFor } from "@zmesh/mesh/testing";
import { io, type Socket } from "socket.io-client";
import type { Readiness } from "../src/http/readiness.js";
import type { FrameEvent } from "../src/streams/frame-stream.js";

const cleanup = useCleanup();
const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

async function readyz(base: string): Promise<{ status: number; body: Readiness }> {
  const response = await fetch(`${base}/readyz`);
  return { status: response.status, body: (await response.json()) as Readiness };
}

/** A viewer of the default stream, so the gateway is rendering (and connected to its workers). */
function watch(base: string): FrameEvent[] {
  const frames: FrameEvent[] = [];
  const socket = io(base, { transports: ["websocket"], forceNew: true });
  sockets.push(socket);
  socket.on("frame", (frame: FrameEvent) => frames.push(frame));
  return frames;
}

/** One image worker only, a viewer watching, the gateway ready. */
async function startWithOneWorker() {
  const system = await startSystem(cleanup, { READY_STALE_INTERVALS: "3", READY_FAILED_RENDERS: "3" }, [
    "solo",
  ]);
  const frames = watch(system.base);
  await waitFor("frames from the only worker", () => frames.length >= 3);
  await waitFor("ready", async () => (await readyz(system.base)).status === 200);
  return { ...system, frames };
}

describe("gateway readiness", () => {
  it("fails when the only image worker is SIGKILLed, and recovers when another registers", async () => {
    const { base, workers, mapperEndpoint, frames } = await startWithOneWorker();
    workers[0]?.kill("SIGKILL");
    const down = await waitFor(
      "readyz 503",
      async () => {
        const answer = await readyz(base);
        return answer.status === 503 && answer;
      },
      5000,
    );
    expect(down.body).toMatchObject({ ready: false, imageWorkers: 0 });
    expect(down.body.reasons).toContain("no usable image worker");

    cleanup.group.add({ again: startImageWorker(mapperEndpoint, "again") });
    const up = await waitFor(
      "readyz 200 again",
      async () => {
        const answer = await readyz(base);
        return answer.status === 200 && answer;
      },
      10_000,
    );
    expect(up.body).toMatchObject({ ready: true, reasons: [], imageWorkers: 1 });
    await waitFor(
      "frames from the new worker",
      () => frames.some((f) => f.worker === "image-worker-again"),
      5000,
    );
  });

  it("fails while the only image worker is SIGSTOPped, and recovers after SIGCONT", async () => {
    const { base, workers, frames } = await startWithOneWorker();
    workers[0]?.kill("SIGSTOP");
    const down = await waitFor(
      "readyz 503",
      async () => {
        const answer = await readyz(base);
        return answer.status === 503 && answer;
      },
      6000,
    );
    // Either the renders failing or the worker dropping out of choice gives it away, whichever is first.
    expect(down.body.reasons.join("; ")).toMatch(/frame renders failed|no usable image worker/);

    workers[0]?.kill("SIGCONT");
    const resumedAt = Date.now();
    await waitFor("readyz 200 again", async () => (await readyz(base)).status === 200, 10_000);
    await waitFor("frames again", () => frames.some((f) => f.sentAt > resumedAt), 5000);
  });

  it("fails when the directory goes stale (mapper killed), and recovers when the mapper is back", async () => {
    const system = await startSystem(cleanup, { READY_STALE_INTERVALS: "3" });
    await waitFor("ready", async () => (await readyz(system.base)).status === 200);
    await system.mapper.stop();
    const down = await waitFor(
      "readyz 503",
      async () => {
        const answer = await readyz(system.base);
        return answer.status === 503 && answer;
      },
      8000,
    );
    expect(down.body.reasons.join("; ")).toMatch(/^directory stale: no event from the mapper for \d+ ms/);
    // Frames may still flow from the cached directory: readiness says the picture may be wrong.

    const port = Number(system.mapperEndpoint.split(":").pop());
    cleanup.group.add(await startMapperProcess({}, port));
    await waitFor("readyz 200 again", async () => (await readyz(system.base)).status === 200, 15_000);
  });
});
