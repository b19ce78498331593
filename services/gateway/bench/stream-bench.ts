// npm run bench (gateway part): image worker throughput, Socket.IO fan-out, and a stalled viewer.
// Prints tables and writes bench/results/stream-<time>.json. Not a test: no pass/fail.
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PeerClient } from "@zmesh/mesh";
import { ServiceProcess, saveBenchResults } from "@zmesh/mesh/testing";
import WebSocket from "ws";

const FANOUT = (process.env.BENCH_VIEWERS ?? "100,500,1000").split(",").map(Number);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 10);
const STALL_S = Number(process.env.BENCH_STALL_S ?? 60);
const THROUGHPUT_S = Number(process.env.BENCH_THROUGHPUT_S ?? 8);
const children: ServiceProcess[] = [];

/** Starts a service or bench script of this repository; every child is killed when the bench ends. */
function start(script: string, args: string[] = [], env: Record<string, string> = {}): ServiceProcess {
  const child = new ServiceProcess(script, { LOG_LEVEL: "info", ...env }, { args, stdin: "pipe" });
  children.push(child);
  return child;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** CPU seconds (user + system) and resident memory of a process, from /proc. */
function usage(pid: number): { cpuSeconds: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  const ticks = Number(stat[11]) + Number(stat[12]);
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
  return { cpuSeconds: ticks / 100, rssMb: rssKb / 1024 };
}

async function startMesh(imageWorkers: number) {
  const mapper = start("services/mapper/dist/src/main.js", [], {
    MAPPER_BIND: "tcp://127.0.0.1:0",
    MAPPER_EVENTS_BIND: "tcp://127.0.0.1:0",
    METRICS_PORT: "0",
  });
  const endpoint = String((await mapper.waitForLog("mapper listening")).endpoint);
  // One render thread per worker: a worker is one core's worth, so two workers can use both cores.
  const workers = Array.from({ length: imageWorkers }, (_, i) =>
    start("services/image-worker/dist/src/main.js", [], {
      MAPPER_ENDPOINT: endpoint,
      WORKER_NAME: `bench-${i + 1}`,
      RENDER_THREADS: "1",
    }),
  );
  await Promise.all(workers.map((w) => w.waitForLog("registered")));
  return { endpoint, all: [mapper, ...workers] };
}

function stop(started: ServiceProcess[]) {
  for (const s of started) s.child.kill("SIGKILL");
}

/** Frames per second the image workers deliver to a caller that keeps them all busy. */
async function workerThroughput(imageWorkers: number): Promise<number> {
  const mesh = await startMesh(imageWorkers);
  const peers = new PeerClient({ mapperEndpoint: mesh.endpoint });
  while (peers.directory.instances("image-worker").length < imageWorkers)
    await new Promise((r) => setTimeout(r, 20));
  const lane = async (until: number) => {
    let frames = 0;
    while (Date.now() < until) {
      await peers.call("image-worker", "render", Buffer.from("{}")).then(
        () => frames++,
        () => {},
      );
    }
    return frames;
  };
  await Promise.all(Array.from({ length: 4 }, () => lane(Date.now() + 1000))); // warm up
  const until = Date.now() + THROUGHPUT_S * 1000;
  const frames = (await Promise.all(Array.from({ length: 4 * imageWorkers }, () => lane(until)))).reduce(
    (a, b) => a + b,
    0,
  );
  peers.close();
  stop(mesh.all);
  return frames / THROUGHPUT_S;
}

async function startGateway(endpoint: string) {
  const gateway = start("services/gateway/dist/src/main.js", [], {
    MAPPER_ENDPOINT: endpoint,
    GATEWAY_PORT: "0",
    STREAM_FPS: "10",
    // Every simulated viewer comes from 127.0.0.1: lift the per-address limit above the largest swarm.
    MAX_CONNECTIONS_PER_ADDRESS: "10000",
  });
  const { port } = await gateway.waitForLog("gateway listening");
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if ((await fetch(`${base}/readyz`)).ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { gateway, base, pid: gateway.pid };
}

/** The gateway's own frame-age histogram (tick → handed to every viewer's socket), as cumulative bucket counts. */
async function ageBuckets(base: string): Promise<Map<number, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const buckets = new Map<number, number>();
  for (const match of text.matchAll(/zmesh_gateway_frame_age_seconds_bucket\{le="([^"]+)"[^}]*\} (\d+)/g)) {
    buckets.set(match[1] === "+Inf" ? Number.POSITIVE_INFINITY : Number(match[1]), Number(match[2]));
  }
  return buckets;
}

/** Upper bound (ms) of the bucket holding the p-th percentile of what was observed between two scrapes. */
function bucketPercentile(before: Map<number, number>, after: Map<number, number>, p: number): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Number.POSITIVE_INFINITY) ?? 0) - (before.get(Number.POSITIVE_INFINITY) ?? 0);
  const bound = bounds.find((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0) >= (p / 100) * total);
  return (bound ?? Number.POSITIVE_INFINITY) * 1000;
}

async function fanOut(base: string, gatewayPid: number, viewers: number) {
  const swarms = [0, 1].map((i) =>
    start("services/gateway/dist/bench/viewer-swarm.js", [
      base,
      String(viewers / 2),
      String(WINDOW_S),
      join(tmpdir(), `zmesh-swarm-${process.pid}-${viewers}-${i}.json`),
    ]),
  );
  await Promise.all(swarms.map((s) => s.waitForLine("ready", (line) => "ready" in line)));
  const before = usage(gatewayPid);
  const bucketsBefore = await ageBuckets(base);
  const startedAt = performance.now();
  let rssMax = before.rssMb;
  const sampler = setInterval(() => {
    rssMax = Math.max(rssMax, usage(gatewayPid).rssMb);
  }, 500);
  for (const swarm of swarms) swarm.child.stdin?.write("go\n");
  const done = await Promise.all(
    swarms.map((s) => s.waitForLine("done", (line) => "done" in line, (WINDOW_S + 60) * 1000)),
  ).finally(() => clearInterval(sampler));
  const results = done.map(
    (line) => JSON.parse(readFileSync(String(line.done), "utf8")) as Record<string, unknown>,
  );
  const after = usage(gatewayPid);
  const bucketsAfter = await ageBuckets(base);
  const sinceRender = results.flatMap((r) => r.sinceRender as number[]).sort((a, b) => a - b);
  const elapsed = (performance.now() - startedAt) / 1000;
  const frames = results.flatMap((r) => r.frames as number[]);
  const ages = results.flatMap((r) => r.ages as number[]).sort((a, b) => a - b);
  const fps = frames.map((f) => f / WINDOW_S).sort((a, b) => a - b);
  return {
    viewers,
    connected: results.reduce((sum, r) => sum + Number(r.connected), 0),
    fpsPerClientMedian: percentile(fps, 50),
    fpsPerClientMin: fps[0] ?? 0,
    ageP50Ms: percentile(ages, 50),
    ageP99Ms: percentile(ages, 99),
    sinceRenderP99Ms: percentile(sinceRender, 99),
    emitAgeP50MsAtMost: bucketPercentile(bucketsBefore, bucketsAfter, 50),
    emitAgeP99MsAtMost: bucketPercentile(bucketsBefore, bucketsAfter, 99),
    gatewayCpuPercent: ((after.cpuSeconds - before.cpuSeconds) / elapsed) * 100,
    gatewayRssMb: rssMax,
  };
}

/** A viewer that connects and then stops reading: its TCP window fills, the gateway must not buffer for it. */
async function stalledViewer(base: string, gatewayPid: number) {
  const socket = new WebSocket(`${base.replace("http", "ws")}/socket.io/?EIO=4&transport=websocket`);
  await new Promise((resolveOpen) => socket.once("open", resolveOpen));
  socket.send("40"); // connect to the default namespace: the stream starts
  await new Promise((r) => setTimeout(r, 500));
  (socket as unknown as { _socket: { pause(): void } })._socket.pause();
  const samples: { atS: number; rssMb: number; heapNote?: string }[] = [];
  const startedAt = Date.now();
  while (Date.now() - startedAt < STALL_S * 1000) {
    samples.push({ atS: Math.round((Date.now() - startedAt) / 1000), rssMb: usage(gatewayPid).rssMb });
    await new Promise((r) => setTimeout(r, 5000));
  }
  samples.push({ atS: STALL_S, rssMb: usage(gatewayPid).rssMb });
  socket.terminate();
  const rss = samples.map((s) => s.rssMb);
  return {
    seconds: STALL_S,
    samples,
    rssStartMb: rss[0] ?? 0,
    rssEndMb: rss.at(-1) ?? 0,
    rssMaxMb: Math.max(...rss),
  };
}

async function main() {
  const oneWorker = await workerThroughput(1);
  const twoWorkers = await workerThroughput(2);

  const mesh = await startMesh(2);
  const { gateway, base, pid } = await startGateway(mesh.endpoint);
  const fanout = [];
  for (const viewers of FANOUT) fanout.push(await fanOut(base, pid, viewers));
  const stalled = await stalledViewer(base, pid);
  stop([...mesh.all, gateway]);

  const lines = [
    "| image workers (1 render thread each, closed loop) | frames/s | scaling |",
    "|---|---|---|",
    `| 1 | ${oneWorker.toFixed(1)} | 1.00× |`,
    `| 2 | ${twoWorkers.toFixed(1)} | ${(twoWorkers / oneWorker).toFixed(2)}× (target ≥ 1.8×) |`,
    "",
    `| one 10 fps stream, ${WINDOW_S} s window | fps/client (median, min) | age at emit p50, p99 ms | age at viewer p50, p99 ms | render→viewer p99 ms | gateway CPU % | gateway RSS MB |`,
    "|---|---|---|---|---|---|---|",
    ...fanout.map(
      (f) =>
        `| ${f.viewers} viewers (${f.connected} connected) | ${f.fpsPerClientMedian.toFixed(1)}, ${f.fpsPerClientMin.toFixed(1)} | ≤ ${f.emitAgeP50MsAtMost}, ≤ ${f.emitAgeP99MsAtMost} | ${f.ageP50Ms}, ${f.ageP99Ms} | ${f.sinceRenderP99Ms} | ${f.gatewayCpuPercent.toFixed(0)} | ${f.gatewayRssMb.toFixed(0)} |`,
    ),
    "",
    "Age at emit: from the stream tick to the frame handed to every viewer's socket (gateway histogram, bucket bounds).",
    "Age at viewer: tick to arrival, measured in the viewer processes, which share this machine's 2 cores with everything else.",
    "",
    `| stalled viewer for ${stalled.seconds} s | RSS start MB | RSS end MB | RSS max MB |`,
    "|---|---|---|---|",
    `| gateway memory | ${stalled.rssStartMb.toFixed(1)} | ${stalled.rssEndMb.toFixed(1)} | ${stalled.rssMaxMb.toFixed(1)} |`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  const at = new Date().toISOString();
  saveBenchResults("stream", { at, workerFps: { one: oneWorker, two: twoWorkers }, fanout, stalled }, at);
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`bench failed: ${String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) void child.stop();
  });
