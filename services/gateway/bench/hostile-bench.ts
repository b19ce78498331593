// Issue 7's "measure and report": what hostile peers cost a live mesh (mapper, two image workers,
// gateway at 10 fps, one viewer), each scenario against a healthy baseline window on the same mesh.
//   1. one of two image workers SIGSTOPped     2. a silent endpoint registered and kept alive
//   3. 5,000 image workers registered that point at nobody: the gateway's descriptors and memory
//   4. the directory at 5,000 instances: one full listing's size, a new watcher's time to complete
// Prints markdown tables and writes bench/results/hostile-<time>.json. Not a test: no pass/fail.
import {
  FakeMembers,
  processCost,
  SilentEndpoint,
  sampleLoad,
  saveBenchResults,
  waitFor,
} from "@zmesh/mesh/testing";
import { BenchMesh, STREAM_FPS, type WindowFigures } from "./bench-mesh.js";
import { type DirectoryFigures, directoryFigures } from "./directory-figures.js";
import { gaugeSum } from "./prometheus-text.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 10);
const FLEET = Number(process.env.BENCH_FLEET ?? 5000);
const HEARTBEAT_MS = 1000;

interface Windows {
  baseline: WindowFigures;
  hostile: WindowFigures;
}

async function withMesh<T>(run: (mesh: BenchMesh) => Promise<T>): Promise<T> {
  const mesh = await BenchMesh.start();
  try {
    return await run(mesh);
  } finally {
    await mesh.stop();
  }
}

/** Scenario 1: one of the two image workers frozen (SIGSTOP) for a window, then thawed. */
const hungWorker = () =>
  withMesh(async (mesh): Promise<Windows & { hung: number }> => {
    const baseline = await mesh.window(WINDOW_S);
    const hung = mesh.workers[0]?.child;
    hung?.kill("SIGSTOP");
    try {
      return { baseline, hostile: await mesh.window(WINDOW_S), hung: hung?.pid ?? 0 };
    } finally {
      hung?.kill("SIGCONT");
    }
  });

/** Scenario 2: an image-worker record whose endpoint takes requests and never answers, kept alive. */
const silentInstance = () =>
  withMesh(async (mesh): Promise<Windows & { silentReceived: number }> => {
    const baseline = await mesh.window(WINDOW_S);
    const silent = await SilentEndpoint.start();
    const idleRenderer = sampleLoad({ jobs: { render: { used: 0, slots: 4 } } });
    const rogue = new FakeMembers(mesh.mapperEndpoint, idleRenderer).keepAlive(HEARTBEAT_MS);
    try {
      await rogue.register([{ service: "image-worker", instanceId: "silent-1", endpoint: silent.endpoint }]);
      const hostile = await mesh.window(WINDOW_S);
      return { baseline, hostile, silentReceived: silent.received };
    } finally {
      rogue.close();
      silent.close();
    }
  });

interface FleetRun extends Windows {
  /** From starting the registrations to the gateway listing every instance. */
  storm: WindowFigures;
  before: { fds: number; rssMb: number; connections: number };
  after: { fds: number; rssMb: number; connections: number };
  max: { fds: number; rssMb: number };
  registerMs: number;
  /** From every record acknowledged to the gateway's /api/mesh listing them all. */
  gatewayListsAllMs: number;
  directoryAtTwo: DirectoryFigures;
  directoryAtFleet: DirectoryFigures;
}

/** How many image workers the gateway's /api/mesh summary lists. */
async function listedByGateway(base: string): Promise<number> {
  const view = (await (await fetch(`${base}/api/mesh`)).json()) as {
    summary?: Record<string, { instances: number }>;
  };
  return view.summary?.["image-worker"]?.instances ?? 0;
}

/** Scenarios 3 and 4: FLEET image workers at tcp://127.0.0.1:1, kept alive by a child process. */
const fleet = () =>
  withMesh(async (mesh): Promise<FleetRun> => {
    const connections = async () => gaugeSum(await mesh.scrape(), "zmesh_peer_connections");
    const baseline = await mesh.window(WINDOW_S);
    const before = { ...processCost(mesh.gatewayPid), connections: await connections() };
    const directoryAtTwo = await directoryFigures(mesh.mapperEndpoint);
    const max = { ...before };
    const sampler = setInterval(() => {
      const now = processCost(mesh.gatewayPid);
      max.fds = Math.max(max.fds, now.fds);
      max.rssMb = Math.max(max.rssMb, now.rssMb);
    }, 250);
    try {
      let registerMs = 0;
      let gatewayListsAllMs = 0;
      const storm = await mesh.during(async () => {
        const child = mesh.spawn("services/gateway/dist/bench/fake-fleet.js", [
          mesh.mapperEndpoint,
          String(FLEET),
          String(HEARTBEAT_MS),
        ]);
        const ready = await child.waitForLog("fleet ready", 120_000);
        if (ready.acks !== FLEET)
          throw new Error(`the mapper acknowledged ${ready.acks} of ${FLEET} records`);
        registerMs = Number(ready.registerMs);
        const acknowledged = Date.now();
        await waitFor(
          `the gateway to list ${FLEET + 2} image workers`,
          async () => (await listedByGateway(mesh.base)) === FLEET + 2,
          60_000,
          50,
        );
        gatewayListsAllMs = Date.now() - acknowledged;
      });
      const hostile = await mesh.window(WINDOW_S);
      const after = { ...processCost(mesh.gatewayPid), connections: await connections() };
      const directoryAtFleet = await directoryFigures(mesh.mapperEndpoint);
      return {
        baseline,
        storm,
        hostile,
        before,
        after,
        max,
        registerMs,
        gatewayListsAllMs,
        directoryAtTwo,
        directoryAtFleet,
      };
    } finally {
      clearInterval(sampler);
    }
  });

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "–");

/** Counts summed over runs, as `key n`: a pattern (which instance was overdue, why ticks were skipped). */
function tally(records: readonly Record<string, number>[]): string {
  const total: Record<string, number> = {};
  for (const record of records) for (const [k, v] of Object.entries(record)) total[k] = (total[k] ?? 0) + v;
  const entries = Object.entries(total);
  return entries.length ? entries.map(([k, v]) => `${k} ${v}`).join(", ") : "–";
}

/** One markdown row of a window, medians over runs, and every run's largest gap. */
function windowRow(scenario: string, which: string, windows: readonly WindowFigures[], goal: string): string {
  const m = (pick: (w: WindowFigures) => number) => median(windows.map(pick));
  const cells = [
    scenario,
    which,
    fixed(
      m((w) => w.fps),
      1,
    ),
    `${fixed(m((w) => w.largestGapMs))} (${windows.map((w) => fixed(w.largestGapMs)).join(", ")})`,
    fixed(
      m((w) => w.skippedPerS),
      2,
    ),
    fixed(
      m((w) => w.ticksWithoutFramePerS),
      2,
    ),
    `${fixed(m((w) => w.renderMsP50))} / ${fixed(m((w) => w.renderMsMax))}`,
    fixed(m((w) => w.healthzMaxMs)),
    fixed(m((w) => w.overdue)),
    tally(windows.map((w) => w.overdueByPeer)),
    tally(windows.map((w) => w.retriesByReason)),
    tally(windows.map((w) => w.skippedByReason)),
    tally(windows.map((w) => w.byWorker)),
    goal,
  ];
  return `| ${cells.join(" | ")} |`;
}

function verdict(
  windows: readonly WindowFigures[],
  goal: { maxGapMs?: number; maxLostPerS: number },
): string {
  const gap = median(windows.map((w) => w.largestGapMs));
  const lost = median(windows.map((w) => w.skippedPerS));
  const parts: string[] = [];
  if (goal.maxGapMs !== undefined)
    parts.push(
      gap < goal.maxGapMs
        ? `gap < ${goal.maxGapMs} ms: met`
        : `gap < ${goal.maxGapMs} ms: missed by ${fixed(gap - goal.maxGapMs)} ms`,
    );
  parts.push(
    lost <= goal.maxLostPerS
      ? `lost ≤ ${goal.maxLostPerS}/s: met`
      : `lost ≤ ${goal.maxLostPerS}/s: missed by ${fixed(lost - goal.maxLostPerS, 2)}/s`,
  );
  return parts.join("; ");
}

async function main() {
  const hung: Awaited<ReturnType<typeof hungWorker>>[] = [];
  const silent: Awaited<ReturnType<typeof silentInstance>>[] = [];
  const fleets: FleetRun[] = [];
  for (let run = 1; run <= RUNS; run++) {
    process.stderr.write(`run ${run} of ${RUNS}: hung worker, silent instance, ${FLEET} fake workers\n`);
    hung.push(await hungWorker());
    silent.push(await silentInstance());
    fleets.push(await fleet());
  }
  const m = <T>(runs: readonly T[], pick: (run: T) => number) => median(runs.map(pick));
  const lines = [
    `Frames at one Socket.IO viewer of the ${STREAM_FPS} fps stream, ${WINDOW_S} s windows, median of ${RUNS} runs`,
    "(largest gap: every run in brackets; slowest /healthz: asked every 50 ms, the gateway's event loop held up; lost/s: ticks the gateway skipped, from zmesh_gateway_frames_skipped_total;",
    "no frame/s: ticks that brought the viewer no frame; render ms: the gateway's ask to the worker's answer, hedges included;",
    "overdue, retries, skipped and served-by are summed over the runs)",
    "",
    "| scenario | window | fps | largest gap ms | lost/s | no frame/s | render ms p50 / max | slowest /healthz ms | overdue attempts | overdue by instance | retries by reason | skipped by reason | frames by worker | goal |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    windowRow(
      "one of two image workers SIGSTOPped",
      "baseline",
      hung.map((r) => r.baseline),
      "",
    ),
    windowRow(
      "one of two image workers SIGSTOPped",
      "hostile",
      hung.map((r) => r.hostile),
      verdict(
        hung.map((r) => r.hostile),
        { maxGapMs: 300, maxLostPerS: 1 },
      ),
    ),
    windowRow(
      "silent endpoint kept alive",
      "baseline",
      silent.map((r) => r.baseline),
      "",
    ),
    windowRow(
      `silent endpoint kept alive (received ${silent.map((r) => r.silentReceived).join(", ")} requests)`,
      "hostile",
      silent.map((r) => r.hostile),
      `10 fps held (${verdict(
        silent.map((r) => r.hostile),
        { maxLostPerS: 0.5 },
      )})`,
    ),
    windowRow(
      `${FLEET} image workers pointing at nobody`,
      "baseline",
      fleets.map((r) => r.baseline),
      "",
    ),
    windowRow(
      `${FLEET} image workers pointing at nobody`,
      "registering, until the gateway lists all",
      fleets.map((r) => r.storm),
      "stream goes on",
    ),
    windowRow(
      `${FLEET} image workers pointing at nobody`,
      `all ${FLEET + 2} listed`,
      fleets.map((r) => r.hostile),
      "stream goes on",
    ),
    "",
    `Gateway cost with ${FLEET} registered image workers that point at tcp://127.0.0.1:1 (kept alive), median of ${RUNS} runs`,
    "",
    "| gateway | open fds | RSS MB | peer connections |",
    "|---|---|---|---|",
    `| before (2 image workers) | ${fixed(m(fleets, (r) => r.before.fds))} | ${fixed(
      m(fleets, (r) => r.before.rssMb),
      1,
    )} | ${fixed(m(fleets, (r) => r.before.connections))} |`,
    `| after ${WINDOW_S} s with ${FLEET + 2} listed | ${fixed(m(fleets, (r) => r.after.fds))} | ${fixed(
      m(fleets, (r) => r.after.rssMb),
      1,
    )} | ${fixed(m(fleets, (r) => r.after.connections))} |`,
    `| highest seen (every 250 ms) | ${fixed(m(fleets, (r) => r.max.fds))} | ${fixed(
      m(fleets, (r) => r.max.rssMb),
      1,
    )} | |`,
    "",
    `${FLEET} records registered in ${fixed(m(fleets, (r) => r.registerMs))} ms; the gateway listed all ${FLEET + 2} ${fixed(m(fleets, (r) => r.gatewayListsAllMs))} ms after the last acknowledgement.`,
    "",
    `Directory at a new reader, median of ${RUNS} runs`,
    "",
    "| instances | one full listing (JSON bytes) | MapperClient.list ms | new watcher complete ms | new watcher first event ms |",
    "|---|---|---|---|---|",
    ...(["directoryAtTwo", "directoryAtFleet"] as const).map((key) => {
      const d = (pick: (f: DirectoryFigures) => number) => m(fleets, (r) => pick(r[key]));
      return `| ${fixed(d((f) => f.instances))} | ${fixed(d((f) => f.listBytes))} | ${fixed(
        d((f) => f.listMs),
        1,
      )} | ${fixed(
        d((f) => f.watcherCompleteMs),
        1,
      )} | ${fixed(
        d((f) => f.watcherEventsMs),
        1,
      )} |`;
    }),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  const at = new Date().toISOString();
  const settings = { runs: RUNS, windowSeconds: WINDOW_S, fleet: FLEET, fps: STREAM_FPS };
  saveBenchResults("hostile", { at, settings, hungWorker: hung, silent, fleet: fleets }, at);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
