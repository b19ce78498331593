import { startSystem as startSystem_, useCleanup, waitFor } from "@zmesh/mesh/testing";
import sharp from "sharp";
import type { FrameEvent, MeshResponse, SubscribeRefused } from "../src/gateway-api.js";
import { useGatewayClients } from "./support/gateway-clients.js";

const cleanup = useCleanup();
const open = useGatewayClients();

const startSystem = () => startSystem_(cleanup, { STREAM_FPS: "20" });

function watch(base: string) {
  const frames: FrameEvent[] = [];
  const socket = open(base);
  socket.on("frame", (frame) => frames.push({ ...frame, jpeg: Buffer.from(frame.jpeg) }));
  return { frames, socket };
}

describe("gateway streaming", () => {
  it("pushes frames without being asked: valid 400×300 JPEGs from both workers", async () => {
    const { base } = await startSystem();
    const { frames } = watch(base);
    await waitFor(
      "frames from both workers",
      () => new Set(frames.map((f) => f.worker)).size === 2 && frames.length >= 10,
      10_000,
    );
    for (const frame of frames.slice(0, 5)) {
      const info = await sharp(frame.jpeg).metadata();
      expect([info.format, info.width, info.height]).toEqual(["jpeg", 400, 300]);
      expect(frame.stream).toBe("main");
      expect(frame.renderedAt).toBeGreaterThanOrEqual(frame.requestedAt);
    }
    expect(new Set(frames.map((f) => f.worker))).toEqual(
      new Set(["image-worker-alpha", "image-worker-beta"]),
    );
    const seqs = frames.map((f) => f.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // The gateway counts who rendered what it emitted: both workers, their shares making the whole.
    const { frames: rates } = (await (await fetch(`${base}/api/mesh`)).json()) as MeshResponse;
    expect(Object.keys(rates.workers)).toEqual(["image-worker-alpha", "image-worker-beta"]);
    for (const rate of Object.values(rates.workers)) {
      expect(rate.framesPerS).toBeGreaterThan(0);
      expect(rate.renderMs).toBeGreaterThan(0);
    }
    const shares = Object.values(rates.workers).reduce((sum, rate) => sum + rate.share, 0);
    expect(shares).toBeCloseTo(1, 1);
    expect(rates.framesPerS).toBeGreaterThan(0);
  });

  it("keeps the stream going within a second when an image worker is killed", async () => {
    const { base, workers } = await startSystem();
    const { frames } = watch(base);
    await waitFor("frames from both workers", () => new Set(frames.map((f) => f.worker)).size === 2);
    workers[0]?.kill("SIGKILL");
    const killedAt = Date.now();
    await workers[0]?.exited;
    const frame = await waitFor(
      "a frame after the kill",
      () => frames.find((f) => f.sentAt > killedAt),
      1000,
    );
    expect(frame.worker).toBe("image-worker-beta");
    await waitFor("ten more frames", () => frames.filter((f) => f.sentAt > killedAt).length >= 10, 5000);
  });

  it("answers a bad subscribe with an error and the stream goes on; a good one switches streams", async () => {
    const { base } = await startSystem();
    const { frames, socket } = watch(base);
    await waitFor("first frame", () => frames.length > 0);
    const bad = await socket.emitWithAck("subscribe", { stream: "NOT OK", fps: 1000 });
    expect(bad).toEqual({ ok: false, error: expect.stringContaining("fps: at most 30") });
    expect((bad as SubscribeRefused).error).toContain("stream: 1-32 of a-z");
    const count = frames.length;
    await waitFor("frames after the bad subscribe", () => frames.length > count + 3);
    expect(frames.every((f) => f.stream === "main")).toBe(true);

    const good = await socket.emitWithAck("subscribe", { stream: "slow", fps: 2 });
    expect(good).toEqual({ ok: true, stream: "slow", fps: 2 });
    await waitFor("a frame of the new stream", () => frames.some((f) => f.stream === "slow"));
  });

  it("serves the latest report as JSON (with a fresh thumbnail), CSV and a PNG chart", async () => {
    const { base } = await startSystem();
    const { frames } = watch(base);
    await waitFor("frames from both workers", () => new Set(frames.map((f) => f.worker)).size === 2);
    const report = await waitFor("a report counting frames of both workers", async () => {
      const body = (await (await fetch(`${base}/api/reports/latest.json`)).json()) as {
        services: { service: string; served: number; instances: { id: string; share: number }[] }[];
        thumbnail?: { worker: string; jpegBase64: string };
      };
      const images = body.services.find((s) => s.service === "image-worker");
      return images?.instances.every((i) => i.share > 0) && body;
    });
    const images = report.services.find((s) => s.service === "image-worker");
    expect(images?.instances.map((i) => i.id).sort()).toEqual(["image-worker-alpha", "image-worker-beta"]);
    expect(images?.instances.reduce((sum, i) => sum + i.share, 0)).toBeCloseTo(1, 2);
    expect(report.thumbnail?.worker).toMatch(/^image-worker-(alpha|beta)$/);
    const thumbnail = await sharp(Buffer.from(report.thumbnail?.jpegBase64 ?? "", "base64")).metadata();
    expect([thumbnail.format, thumbnail.width]).toEqual(["jpeg", 400]);

    const csv = await fetch(`${base}/api/reports/latest.csv`);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.headers.get("content-disposition")).toContain("zmesh-report.csv");
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe("service,instance,state,load_now,load_mean,load_max,served,refused,share");
    expect(lines.filter((l) => l.startsWith("image-worker,"))).toHaveLength(2);

    const png = await fetch(`${base}/api/reports/latest.png`);
    expect(png.headers.get("content-type")).toBe("image/png");
    const chart = await sharp(Buffer.from(await png.arrayBuffer())).metadata();
    expect([chart.format, chart.width]).toEqual(["png", 720]);

    const bad = await fetch(`${base}/api/reports/latest.gif`);
    expect(bad.status).toBe(400);
  });

  it("serves health, readiness, the mesh as JSON and metrics", async () => {
    const { base } = await startSystem();
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, reasons: [], mapper: true, imageWorkers: 2 });
    const mesh = (await (await fetch(`${base}/api/mesh`)).json()) as MeshResponse;
    expect(mesh.summary["image-worker"]?.instances).toBe(2);
    expect(mesh.services["image-worker"]?.map((i) => i.id).sort()).toEqual([
      "image-worker-alpha",
      "image-worker-beta",
    ]);
    for (const instance of mesh.services["image-worker"] ?? []) {
      expect(instance.state).toMatch(/passing|warning/);
      expect(typeof instance.load).toBe("number");
    }
    const { frames } = watch(base);
    await waitFor("a few frames", () => frames.length >= 3);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/zmesh_gateway_viewers\{[^}]*\} 1/);
    expect(metrics).toMatch(/zmesh_gateway_frames_emitted_total\{fps="20"[^}]*\} \d+/);
    expect(metrics).toMatch(/zmesh_gateway_render_loops\{[^}]*\} 1/);
    expect(metrics).toContain("zmesh_gateway_frame_age_seconds_bucket");
    expect(metrics).toContain("zmesh_peer_request_duration_seconds_bucket");
  });
});
