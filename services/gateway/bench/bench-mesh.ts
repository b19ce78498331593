import { ServiceProcess, waitFor } from "@zmesh/mesh/testing";
import { FrameRecorder, type WindowView } from "./frame-recorder.js";
import { counterGrowth, parseSamples, type Sample } from "./prometheus-text.js";
import { ResponsivenessProbe } from "./responsiveness-probe.js";

export const STREAM_FPS = 10;
const OVERDUE_LOG = "reply overdue: instance out of choice until it answers";

/** A measurement window's length: not a wait for readiness. */
const hold = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the viewer saw in a window, and what the gateway counted meanwhile. */
export interface WindowFigures extends WindowView {
  /** Ticks the gateway skipped (no frame sent), per second, from its /metrics. */
  skippedPerS: number;
  skippedByReason: Record<string, number>;
  /** Attempts past their budget (zmesh_peer_overdue_total), and per instance from the gateway's debug log. */
  overdue: number;
  overdueByPeer: Record<string, number>;
  retriesByReason: Record<string, number>;
  ejectionsByReason: Record<string, number>;
  unreachable: number;
  /** Slowest GET /healthz, asked every 50 ms: how long the gateway's event loop was held up. */
  healthzMaxMs: number;
}

/** Mapper, two image workers (alpha, beta), gateway at 10 fps and one viewer: real processes on 127.0.0.1. */
export class BenchMesh {
  readonly #children: ServiceProcess[] = [];
  mapperEndpoint = "";
  base = "";
  workers: ServiceProcess[] = [];
  gateway!: ServiceProcess;
  viewer!: FrameRecorder;

  static async start(mapperEnv: Record<string, string> = {}): Promise<BenchMesh> {
    const mesh = new BenchMesh();
    try {
      await mesh.#start(mapperEnv);
    } catch (error) {
      await mesh.stop();
      throw error;
    }
    return mesh;
  }

  get gatewayPid(): number {
    return this.gateway.pid;
  }

  /** Starts a script of this repository as a child of the bench; it is killed with the mesh. */
  spawn(script: string, args: string[] = [], env: Record<string, string> = {}): ServiceProcess {
    const child = new ServiceProcess(script, { LOG_LEVEL: "info", ...env }, { args, stdin: "pipe" });
    this.#children.push(child);
    return child;
  }

  async #start(mapperEnv: Record<string, string>): Promise<void> {
    const mapper = this.spawn("services/mapper/dist/src/main.js", [], {
      MAPPER_BIND: "tcp://127.0.0.1:0",
      MAPPER_EVENTS_BIND: "tcp://127.0.0.1:0",
      METRICS_PORT: "0",
      ...mapperEnv,
    });
    this.mapperEndpoint = String((await mapper.waitForLog("mapper listening")).endpoint);
    this.workers = ["alpha", "beta"].map((name) =>
      this.spawn("services/image-worker/dist/src/main.js", [], {
        MAPPER_ENDPOINT: this.mapperEndpoint,
        WORKER_NAME: name,
      }),
    );
    await Promise.all(this.workers.map((w) => w.waitForLog("registered")));
    // Debug: the gateway logs each overdue attempt with the instance it went to.
    this.gateway = this.spawn("services/gateway/dist/src/main.js", [], {
      MAPPER_ENDPOINT: this.mapperEndpoint,
      GATEWAY_PORT: "0",
      STREAM_FPS: String(STREAM_FPS),
      LOG_LEVEL: "debug",
    });
    const { port } = await this.gateway.waitForLog("gateway listening");
    this.base = `http://127.0.0.1:${port}`;
    await waitFor("the gateway to be ready", async () => (await fetch(`${this.base}/readyz`)).ok);
    this.viewer = new FrameRecorder(this.base);
    // Warm: both workers served frames, so the gateway has learnt both latencies.
    await waitFor("frames from both workers", () => {
      const workers = new Set(this.viewer.frames.map((f) => f.worker));
      return this.viewer.frames.length >= 30 && workers.size >= 2;
    });
  }

  async scrape(): Promise<Sample[]> {
    return parseSamples(await (await fetch(`${this.base}/metrics`)).text());
  }

  /** Holds a window of `seconds` and reports what the viewer saw and the gateway counted. */
  window(seconds: number): Promise<WindowFigures> {
    return this.during(() => hold(seconds * 1000));
  }

  /** Reports what the viewer saw and the gateway counted while `action` ran. */
  async during(action: () => Promise<unknown>): Promise<WindowFigures> {
    const before = await this.scrape();
    const firstLine = this.gateway.logs.length;
    const from = Date.now();
    const probe = new ResponsivenessProbe(`${this.base}/healthz`);
    try {
      await action();
    } finally {
      probe.stop();
    }
    const to = Date.now();
    const after = await this.scrape();
    const sum = (growth: Record<string, number>) => Object.values(growth).reduce((a, b) => a + b, 0);
    const skippedByReason = counterGrowth(before, after, "zmesh_gateway_frames_skipped_total", "reason");
    const overdueByPeer: Record<string, number> = {};
    for (const line of this.gateway.logs.slice(firstLine)) {
      if (line.message !== OVERDUE_LOG) continue;
      const peer = String(line.peer);
      overdueByPeer[peer] = (overdueByPeer[peer] ?? 0) + 1;
    }
    return {
      ...this.viewer.view(from, to, STREAM_FPS),
      skippedPerS: sum(skippedByReason) / ((to - from) / 1000),
      skippedByReason,
      overdue: sum(counterGrowth(before, after, "zmesh_peer_overdue_total")),
      overdueByPeer,
      retriesByReason: counterGrowth(before, after, "zmesh_peer_retries_total", "reason"),
      ejectionsByReason: counterGrowth(before, after, "zmesh_peer_ejections_total", "reason"),
      unreachable: sum(counterGrowth(before, after, "zmesh_peer_unreachable_total")),
      healthzMaxMs: await probe.slowestMs,
    };
  }

  async stop(): Promise<void> {
    this.viewer?.close();
    await Promise.all(this.#children.map((child) => child.stop()));
  }
}
