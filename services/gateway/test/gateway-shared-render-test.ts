import { startSystem, useCleanup, waitFor } from "@zmesh/mesh/testing";
import type { FrameEvent, MeshResponse } from "../src/gateway-api.js";
import { useGatewayClients } from "./support/gateway-clients.js";

const cleanup = useCleanup();
const open = useGatewayClients();

async function viewer(base: string, stream: string, fps: number) {
  const frames: FrameEvent[] = [];
  const socket = open(base);
  socket.on("frame", (frame) => frame.stream === stream && frames.push(frame));
  expect(await socket.emitWithAck("subscribe", { stream, fps })).toEqual({ ok: true, stream, fps });
  return { socket, frames };
}

/** Renders the gateway asked for, from its metrics: frames emitted plus ticks that failed (not overlaps). */
async function gatewayRenders(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let total = 0;
  for (const [, labels, value] of text.matchAll(
    /^zmesh_gateway_frames_(?:emitted|skipped)_total\{([^}]*)\} (\d+)/gm,
  ))
    if (!labels?.includes('reason="overlap"')) total += Number(value);
  return total;
}

/** Jobs the image workers say they served, from their heartbeats as /api/mesh shows them. */
async function workersServed(base: string): Promise<number> {
  const mesh = (await (await fetch(`${base}/api/mesh?service=image-worker`)).json()) as MeshResponse;
  return (mesh.services["image-worker"] ?? []).reduce((sum, i) => sum + i.served, 0);
}

describe("gateway shared render", () => {
  it("renders once per tick for two streams at the same fps, each viewer seeing its own stream's name", async () => {
    const { base } = await startSystem(cleanup, { STREAM_FPS: "10" });
    const a = await viewer(base, "alpha-room", 7);
    const b = await viewer(base, "beta-room", 7);
    const mesh = (await (await fetch(`${base}/api/mesh`)).json()) as MeshResponse;
    // The default stream lost its viewers to the subscribes: one loop is left, at 7 fps.
    expect(mesh.renderLoops).toEqual([{ fps: 7, streams: 2, renders: expect.any(Number) }]);
    expect(mesh.streams).toEqual({
      "alpha-room": { fps: 7, viewers: 1 },
      "beta-room": { fps: 7, viewers: 1 },
    });

    await waitFor("20 frames for each viewer", () => a.frames.length >= 20 && b.frames.length >= 20, 10_000);
    // The same render (same seq, worker and request time) reached both streams.
    const rendersOfB = new Set(b.frames.map((f) => `${f.seq}/${f.worker}/${f.requestedAt}`));
    const shared = a.frames.filter((f) => rendersOfB.has(`${f.seq}/${f.worker}/${f.requestedAt}`));
    expect(shared.length).toBeGreaterThanOrEqual(18);
    expect(new Set(a.frames.map((f) => f.stream))).toEqual(new Set(["alpha-room"]));
    expect(new Set(b.frames.map((f) => f.stream))).toEqual(new Set(["beta-room"]));

    a.socket.close();
    b.socket.close();
    await waitFor("the render loop to stop", async () => {
      const summary = (await (await fetch(`${base}/api/mesh`)).json()) as MeshResponse;
      return summary.renderLoops.length === 0;
    });
    // The workers' own job counts reach the gateway's renders (a hedged render may count twice),
    // yet stay below the frames delivered: separate loops would have cost one job per frame.
    const renders = await gatewayRenders(base);
    const served = await waitFor(
      "the workers' heartbeats to count every render",
      async () => {
        const count = await workersServed(base);
        return count >= renders && count;
      },
      5000,
    );
    expect(served).toBeLessThan(a.frames.length + b.frames.length);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/zmesh_gateway_render_loops\{[^}]*\} 0/);
  });

  it("keeps the number of render loops to the number of distinct fps values", async () => {
    const { base } = await startSystem(cleanup, { STREAM_FPS: "10", MAX_CONNECTIONS_PER_ADDRESS: "20" });
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => viewer(base, `s-${i}`, [2, 5, 10][i % 3] as number)),
    );
    const mesh = (await (await fetch(`${base}/api/mesh`)).json()) as MeshResponse;
    expect(mesh.renderLoops.map((l) => [l.fps, l.streams]).sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0))).toEqual(
      [
        [2, 4],
        [5, 4],
        [10, 4],
      ],
    );
    expect(Object.keys(mesh.streams)).toHaveLength(12);
  });
});
