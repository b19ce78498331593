import { execFile, spawn } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { waitFor } from "@zmesh/mesh/testing";
import { io, type Socket } from "socket.io-client";
import { DockerComposeEnvironment, type StartedDockerComposeEnvironment, Wait } from "testcontainers";
import type { MeshResponse } from "../../services/gateway/src/gateway-api.js";

// The whole stack as containers, built from this checkout: the way a user runs zmesh with Docker.
const run = promisify(execFile);
const repoRoot = resolve(__dirname, "../..");
const project = `zmesh-it-${process.pid}`;
const GATEWAY = "http://127.0.0.1:18080";
const PROMETHEUS = "http://127.0.0.1:19090";
const composeEnv = {
  GATEWAY_PUBLISH_PORT: "18080",
  PROMETHEUS_PUBLISH_PORT: "19090",
  NPM_CA_FILE: process.env.NPM_CA_FILE ?? "/dev/null",
};
const compose = (...args: string[]) =>
  run("docker", ["compose", "-p", project, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...composeEnv },
  });

interface Frame {
  worker: string;
  sentAt: number;
  jpeg: Buffer;
}

let stack: StartedDockerComposeEnvironment | undefined;
let viewer: Socket | undefined;
const frames: Frame[] = [];
const timings: Record<string, number> = {};
const mesh = async () => (await (await fetch(`${GATEWAY}/api/mesh`)).json()) as MeshResponse;
const imageWorkers = async () => (await mesh()).services["image-worker"] ?? [];
const prometheus = async (query: string) => {
  const response = await fetch(`${PROMETHEUS}/api/v1/query?${new URLSearchParams({ query })}`);
  return (
    (await response.json()) as {
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    }
  ).data.result;
};

/** Runs promtool from the Prometheus image; rejects with its complaints when it fails. */
function promtool(args: string[], input?: string): Promise<string> {
  const volume = `${resolve(repoRoot, "deploy/prometheus")}:/etc/prometheus:ro`;
  const child = spawn("docker", [
    "run",
    "--rm",
    "-i",
    "--entrypoint",
    "/bin/promtool",
    "-v",
    volume,
    "prom/prometheus:v2.42.0",
    ...args,
  ]);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stdin.end(input ?? "");
  return new Promise((resolveRun, reject) => {
    child.once("exit", (code) =>
      code === 0 ? resolveRun(output) : reject(new Error(`promtool ${args.join(" ")}: ${output}`)),
    );
  });
}

beforeAll(async () => {
  // Build first, so the timing below is what a user waits for once images exist.
  let startedAt = Date.now();
  await compose("build");
  timings.buildMs = Date.now() - startedAt;
  startedAt = Date.now();
  stack = await new DockerComposeEnvironment(repoRoot, "docker-compose.yml")
    .withProjectName(project)
    .withEnvironment(composeEnv)
    .withDefaultWaitStrategy(Wait.forHealthCheck())
    .withWaitStrategy("prometheus-1", Wait.forHttp("/-/ready", 9090))
    .withStartupTimeout(240_000)
    .up(["mapper", "image-worker", "report-worker", "gateway", "prometheus"]);
  viewer = io(GATEWAY, { transports: ["websocket"] });
  viewer.on("frame", (frame: Frame) => frames.push(frame));
  await waitFor("the first frame", () => frames.length > 0, 60_000);
  timings.upToFirstFrameMs = Date.now() - startedAt;
});

afterAll(async () => {
  viewer?.close();
  process.stdout.write(`measured: ${JSON.stringify(timings)}\n`);
  // If a test failed before the last one took the stack down, do it here.
  await compose("down", "--remove-orphans", "--volumes").catch(() => {});
});

describe("the compose stack", () => {
  it("streams frames to a Socket.IO client on the published port", async () => {
    const count = frames.length;
    await waitFor("more frames", () => frames.length >= count + 10, 10_000);
    expect(frames.at(-1)?.worker).toMatch(/^image-worker-/);
    expect(Buffer.from(frames.at(-1)?.jpeg ?? []).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });

  it("passes promtool: Prometheus config and alert rules, and every service's /metrics", async () => {
    const config = await promtool(["check", "config", "/etc/prometheus/prometheus.yml"]);
    expect(config).toContain("SUCCESS: 4 rules found");
    for (const [service, port] of [
      ["mapper", 9100],
      ["image-worker", 9100],
      ["report-worker", 9100],
      ["gateway", 8080],
    ] as const) {
      const script = `fetch("http://127.0.0.1:${port}/metrics").then((r) => r.text()).then((t) => process.stdout.write(t))`;
      const { stdout: metrics } = await compose("exec", "-T", service, "node", "-e", script);
      expect(metrics).toContain("zmesh_");
      await expect(promtool(["check", "metrics"], metrics)).resolves.toBeDefined();
    }
  });

  it("scaled to four image workers: four in the directory, frames from at least three within ten seconds", async () => {
    const startedAt = Date.now();
    await compose(
      "up",
      "--detach",
      "--no-recreate",
      "--no-build",
      "--scale",
      "image-worker=4",
      "image-worker",
    );
    await waitFor(
      "four image workers in the directory",
      async () => (await imageWorkers()).length === 4,
      60_000,
    );
    timings.scaleToFourMs = Date.now() - startedAt;
    const since = Date.now();
    await waitFor(
      "frames from three distinct workers",
      () => new Set(frames.filter((f) => f.sentAt >= since).map((f) => f.worker)).size >= 3,
      10_000,
    );
  });

  it("Prometheus scrapes all four image workers and has a load series for each", async () => {
    await waitFor(
      "four image-worker targets up with load",
      async () => {
        const load = await prometheus('zmesh_worker_load_ratio{service="image-worker"}');
        const up = await prometheus('up{job="zmesh"} == 1');
        const upInstances = new Set(up.map((r) => r.metric.instance));
        return load.length === 4 && load.every((r) => upInstances.has(r.metric.instance));
      },
      60_000,
    );
  });

  it("every dashboard panel's query returns data", async () => {
    const { readFileSync } = await import("node:fs");
    const dashboard = JSON.parse(
      readFileSync(resolve(repoRoot, "deploy/grafana/dashboards/zmesh-overview.json"), "utf8"),
    ) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    for (const panel of dashboard.panels) {
      for (const { expr } of panel.targets) {
        await waitFor(`data for "${panel.title}"`, async () => (await prometheus(expr)).length > 0, 60_000);
      }
    }
  });

  it("docker kill of an image worker: the stream goes on and the directory drops it", async () => {
    const { stdout } = await compose("ps", "--quiet", "image-worker");
    const [victim] = stdout.trim().split("\n");
    await run("docker", ["kill", String(victim)]);
    const killedAt = Date.now();
    await waitFor("the directory to drop it", async () => (await imageWorkers()).length === 3, 15_000);
    await waitFor(
      "frames after the kill",
      () => frames.filter((f) => f.sentAt > killedAt).length >= 10,
      10_000,
    );
  });

  it("a restarted mapper has the whole directory again", async () => {
    const before = (await imageWorkers()).map((i) => i.id).sort();
    await compose("restart", "mapper");
    await waitFor(
      "the directory whole again",
      async () => JSON.stringify((await imageWorkers()).map((i) => i.id).sort()) === JSON.stringify(before),
      30_000,
    );
    expect((await mesh()).services["report-worker"]).toHaveLength(1);
  });

  it("docker compose down leaves no containers or networks behind", async () => {
    viewer?.close();
    await stack?.down();
    const label = `label=com.docker.compose.project=${project}`;
    const containers = await run("docker", ["ps", "--all", "--quiet", "--filter", label]);
    const networks = await run("docker", ["network", "ls", "--quiet", "--filter", label]);
    expect([containers.stdout.trim(), networks.stdout.trim()]).toEqual(["", ""]);
  });
});
