import { PeerClient, silentLogger, startMapper } from "@zmesh/mesh";
import { waitFor } from "@zmesh/mesh/testing";
import { Registry } from "prom-client";
import { gatewayMetrics } from "../src/gateway-metrics.js";
import { FrameHealth } from "../src/streams/frame-health.js";
import { FrameStream } from "../src/streams/frame-stream.js";

// A render loop's timer cannot fire while the gateway's event loop is held up: the ticks that never
// came are frames no viewer got, and they must show in zmesh_gateway_frames_skipped_total{reason="late"}.

const PERIOD_MS = 100; // 10 fps
const STALL_MS = 550;

describe("frame stream ticks", () => {
  it("counts the ticks a held-up event loop never fired as skipped, reason late", async () => {
    // A real mapper with no image worker: every render fails at once (no_peer); only the ticks matter here.
    const mapper = await startMapper({ bind: "tcp://127.0.0.1:0", eventsBind: "tcp://127.0.0.1:0" });
    const peers = new PeerClient({ mapperEndpoint: mapper.endpoint });
    await peers.ready;
    const metrics = gatewayMetrics(new Registry());
    const stream = new FrameStream({
      fps: 1000 / PERIOD_MS,
      renderTimeoutMs: 50,
      peers,
      broadcast: () => {},
      metrics,
      health: new FrameHealth(),
      logger: silentLogger(),
    });
    const skipped = async (reason: string) =>
      (await metrics.framesSkipped.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;
    try {
      await waitFor("two ticks", () => stream.renders >= 2, 5000);
      const lateBefore = await skipped("late");
      const rendersBefore = stream.renders;
      // Hold the event loop, as a flood of synchronous work would: no timer can fire meanwhile.
      const heldUntil = performance.now() + STALL_MS;
      while (performance.now() < heldUntil);
      await waitFor("the first tick after the stall", () => stream.renders > rendersBefore, 5000);
      // At least STALL_MS / PERIOD_MS - 1 whole periods passed without a tick (more if the tick came late).
      expect((await skipped("late")) - lateBefore).toBeGreaterThanOrEqual(STALL_MS / PERIOD_MS - 1.5);
      expect(await skipped("no_peer")).toBeGreaterThan(0);
    } finally {
      stream.stop();
      peers.close();
      await mapper.close();
    }
  });
});
