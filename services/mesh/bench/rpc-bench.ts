// npm run bench (issue 11): zmesh's data plane beside bare ZeroMQ and Moleculer 0.14, one loop for
// every row, rounds taking turns; then a skewed fleet (one worker of four 20× slower) for the tail.
// Prints two tables and writes the figures to bench/results/rpc-<time>.json. Not a test: no pass/fail.
// BENCH_CPUS=0:1 pins the caller (this process) to CPU 0 and every server process to CPU 1: on a
// 2-vCPU VM, where each of a round trip's thread wake-ups may cost an IPI to an idle vCPU, it takes
// the scheduler's placement out of the figures (the skewed fleet's five processes then share CPU 1,
// so its rows mean nothing pinned). Unpinned (the default) is what the issue measures.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import moleculer from "moleculer";
import { PeerClient, readKeySet, writeKeySet } from "../src/mod.js";
import {
  ECHO_WORKER_SCRIPT,
  freePort,
  type LogLine,
  MAPPER_SCRIPT,
  percentile,
  ServiceProcess,
  saveBenchResults,
  waitFor,
} from "../testing/mod.js";
import { bareEchoClient } from "./bare-echo-client.js";
import { moleculerBrokerOptions } from "./loopback-tcp.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARM_UP = 500;
const SEQUENTIAL = Number(process.env.BENCH_SAMPLES ?? 5000);
const IN_FLIGHT = 64;
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 3000);
const PAYLOAD = Buffer.alloc(64, "z");
const PAYLOAD_TEXT = PAYLOAD.toString("latin1");
const SKEW_FAST_MS = 1;
const SKEW_SLOW_MS = 20;
const BENCH = "services/mesh/dist/bench";
const TICKS_PER_SECOND = 100; // Linux USER_HZ: the unit of /proc/<pid>/stat's utime and stime
const [CALLER_CPUS, SERVER_CPUS] = cpuLists(process.env.BENCH_CPUS);

/** BENCH_CPUS as taskset CPU lists (caller, servers); none when unset. Half a setting is refused: servers would inherit the caller's CPUs. */
function cpuLists(setting: string | undefined): [string, string] | [undefined, undefined] {
  if (setting === undefined || setting === "") return [undefined, undefined];
  const match = /^([0-9,-]+):([0-9,-]+)$/.exec(setting);
  if (!match) {
    process.stderr.write(`BENCH_CPUS=${setting}: expected CALLER:SERVERS as taskset CPU lists, e.g. 0:1\n`);
    process.exit(2);
  }
  return [match[1] as string, match[2] as string];
}

/** One system under test: a round trip with a 64-byte payload, and the processes that serve it. */
interface System {
  roundTrip: () => Promise<unknown>;
  servers: () => number[];
  close(): Promise<void>;
}

const children: ServiceProcess[] = [];
const spawnChild = (script: string, env: Record<string, string> = {}, args: string[] = []) => {
  const started = new ServiceProcess(script, { LOG_LEVEL: "warn", ...env }, { args });
  children.push(started);
  return started;
};

/** Every thread of `pid` onto `cpus` (threads it starts later inherit it); nothing when unpinned. */
function pin(pid: number, cpus: string | undefined): void {
  if (cpus)
    execFileSync("taskset", ["--all-tasks", "--cpu-list", "--pid", cpus, String(pid)], { stdio: "ignore" });
}

/** Waits for a server's `message`, then pins it (all its threads exist by then). */
async function listening(child: ServiceProcess, message: string): Promise<LogLine> {
  const line = await child.waitForLog(message);
  pin(child.pid, SERVER_CPUS);
  return line;
}

/** CPU time (user + system) a process has used, in µs, from /proc. */
function processCpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the command: state is field 3, utime 14, stime 15 (1-based, as in proc(5)).
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
}

async function bareZeromq(): Promise<System> {
  const server = spawnChild(`${BENCH}/bare-echo-server.js`, {}, ["tcp://127.0.0.1:*"]);
  const { endpoint } = await listening(server, "listening");
  const client = bareEchoClient(String(endpoint), PAYLOAD);
  return {
    roundTrip: client.roundTrip,
    servers: () => [server.pid],
    async close() {
      client.close();
      await server.stop();
    },
  };
}

/** A Moleculer caller broker in this process and `delays.length` echo nodes, each its own process. */
async function moleculerFleet(namespace: string, delays: number[]): Promise<System> {
  const callerPort = await freePort();
  const nodes: Record<string, number> = {};
  for (let i = 0; i < delays.length; i++) nodes[`${namespace}-echo-${i}`] = await freePort();
  // The caller listens first: each node's first gossip then reaches it, instead of waiting for the
  // caller's own gossip round to pick that node (a random pick every 2 s).
  const broker = new moleculer.ServiceBroker(
    moleculerBrokerOptions(`${namespace}-caller`, callerPort, nodes, namespace),
  );
  await broker.start();
  const servers = await Promise.all(
    Object.entries(nodes).map(async ([nodeID, port], i) => {
      const node = spawnChild(`${BENCH}/moleculer-echo-node.js`, {
        NODE_ID: nodeID,
        PORT: String(port),
        PEERS: JSON.stringify({ [`${namespace}-caller`]: callerPort }),
        NAMESPACE: namespace,
        DELAY_MS: String(delays[i]),
      });
      await listening(node, "listening");
      return node;
    }),
  );
  await waitFor(
    "every Moleculer echo node",
    () =>
      broker.registry.getServiceList({ onlyAvailable: true }).filter((s) => s.name === "echo").length ===
      delays.length,
    30_000,
  );
  return {
    roundTrip: () => broker.call("echo.echo", { data: PAYLOAD_TEXT }),
    servers: () => servers.map((s) => s.pid),
    async close() {
      await broker.stop();
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}

/** A mapper, workers (one per delay, or the example echo worker) and a PeerClient, plaintext or CURVE. */
async function zmeshFleet(options: { curve?: boolean; delays?: number[] }): Promise<System> {
  const keys = options.curve ? mkdtempSync(join(tmpdir(), "zmesh-bench-keys-")) : undefined;
  if (keys) writeKeySet(keys, ["echo", "skew", "bench"]);
  const security = keys ? { ZMESH_INSECURE: "0", ZMESH_KEYS: keys } : { ZMESH_INSECURE: "1" };
  const mapper = spawnChild(MAPPER_SCRIPT, {
    ...security,
    MAPPER_BIND: "tcp://127.0.0.1:0",
    MAPPER_EVENTS_BIND: "tcp://127.0.0.1:0",
    METRICS_PORT: "0",
    LOG_LEVEL: "info",
  });
  const mapperEndpoint = String((await listening(mapper, "mapper listening")).endpoint);
  const workers = await Promise.all(
    (options.delays ?? [-1]).map(async (delay) => {
      const env = { ...security, MAPPER_ENDPOINT: mapperEndpoint, LOG_LEVEL: "info" };
      const worker =
        delay < 0
          ? spawnChild(ECHO_WORKER_SCRIPT, env)
          : spawnChild(ECHO_WORKER_SCRIPT, { ...env, SERVICE_NAME: "skew", ECHO_DELAY_MS: String(delay) });
      await listening(worker, "worker listening");
      return worker;
    }),
  );
  const service = options.delays ? "skew" : "echo";
  const client = new PeerClient({
    mapperEndpoint,
    ...(keys ? { security: { curve: readKeySet(keys, "bench") } } : {}),
  });
  await client.ready;
  await waitFor(
    "every zmesh worker in the directory",
    () => client.directory.instances(service).length === workers.length,
    10_000,
  );
  return {
    roundTrip: () => client.call(service, "echo", PAYLOAD),
    servers: () => workers.map((w) => w.pid),
    async close() {
      client.close();
      await Promise.all([mapper.stop(), ...workers.map((w) => w.stop())]);
      if (keys) rmSync(keys, { recursive: true, force: true });
    },
  };
}

type RoundFigures = {
  p50Us: number;
  p99Us: number;
  requestsPerSecond: number;
  callerCpuUsPerRequest: number;
  workerCpuUsPerRequest: number;
  loadAverage: number;
};

/** `IN_FLIGHT` lanes for `WINDOW_MS`: completed calls, each call's latency (µs), and CPU spent around it. */
async function pipelined(system: System) {
  const servers = system.servers();
  const latencies: number[] = [];
  const workerBefore = servers.reduce((sum, pid) => sum + processCpuUs(pid), 0);
  const callerBefore = process.cpuUsage();
  const begin = performance.now();
  const end = begin + WINDOW_MS;
  const lane = async () => {
    while (performance.now() < end) {
      const started = performance.now();
      await system.roundTrip();
      latencies.push((performance.now() - started) * 1000);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const seconds = (performance.now() - begin) / 1000;
  const caller = process.cpuUsage(callerBefore);
  const workerUs = servers.reduce((sum, pid) => sum + processCpuUs(pid), 0) - workerBefore;
  const count = latencies.length;
  return {
    latencies: latencies.sort((a, b) => a - b),
    requestsPerSecond: count / seconds,
    callerCpuUsPerRequest: (caller.user + caller.system) / count,
    workerCpuUsPerRequest: workerUs / count,
  };
}

/** The one loop every row runs: warm-up, sequential round trips, then the pipelined window. */
async function oneRound(system: System): Promise<RoundFigures> {
  for (let i = 0; i < WARM_UP; i++) await system.roundTrip();
  const samples: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const started = performance.now();
    await system.roundTrip();
    samples.push((performance.now() - started) * 1000);
  }
  samples.sort((a, b) => a - b);
  const window = await pipelined(system);
  return {
    p50Us: percentile(samples, 50),
    p99Us: percentile(samples, 99),
    requestsPerSecond: window.requestsPerSecond,
    callerCpuUsPerRequest: window.callerCpuUsPerRequest,
    workerCpuUsPerRequest: window.workerCpuUsPerRequest,
    loadAverage: loadavg()[0] as number,
  };
}

/** The median of each figure over the rounds. */
function medianOf<T extends Record<string, number>>(rounds: T[]): T {
  const keys = Object.keys(rounds[0] ?? {}) as (keyof T)[];
  return Object.fromEntries(
    keys.map((key) => [
      key,
      percentile(
        rounds.map((r) => r[key] as number).sort((a, b) => a - b),
        50,
      ),
    ]),
  ) as T;
}

async function skewRound(system: System) {
  for (let i = 0; i < WARM_UP; i++) await system.roundTrip();
  const window = await pipelined(system);
  return {
    p50Us: percentile(window.latencies, 50),
    p99Us: percentile(window.latencies, 99),
    requestsPerSecond: window.requestsPerSecond,
    loadAverage: loadavg()[0] as number,
  };
}

function cell(value: number, digits = 0): string {
  return value >= 10_000 && digits === 0 ? `${(value / 1000).toFixed(1)}k` : value.toFixed(digits);
}

async function main() {
  // Before the first socket: ZeroMQ's I/O thread inherits the main thread's CPUs.
  pin(process.pid, CALLER_CPUS);
  const startedLoad = loadavg();
  const systems: Record<string, System> = {
    "bare zeromq DEALER→ROUTER": await bareZeromq(),
    "Moleculer 0.14 (TCP transporter, JSON)": await moleculerFleet("rpc", [0]),
    "zmesh PeerClient → worker runtime": await zmeshFleet({}),
    "zmesh PeerClient → worker runtime, CURVE": await zmeshFleet({ curve: true }),
  };
  const names = Object.keys(systems);
  const rounds: Record<string, RoundFigures[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate who goes first, so no system always runs right after the same neighbour.
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length] as string;
      rounds[name]?.push(await oneRound(systems[name] as System));
    }
  }
  await Promise.all(Object.values(systems).map((s) => s.close()));

  const delays = [SKEW_SLOW_MS, SKEW_FAST_MS, SKEW_FAST_MS, SKEW_FAST_MS];
  const skewed: Record<string, System> = {
    "zmesh (load-aware)": await zmeshFleet({ delays }),
    "Moleculer 0.14 (round-robin)": await moleculerFleet("skew", delays),
  };
  const skewNames = Object.keys(skewed);
  const skewRounds: Record<string, Awaited<ReturnType<typeof skewRound>>[]> = Object.fromEntries(
    skewNames.map((n) => [n, []]),
  );
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < skewNames.length; i++) {
      const name = skewNames[(i + round) % skewNames.length] as string;
      skewRounds[name]?.push(await skewRound(skewed[name] as System));
    }
  }
  await Promise.all(Object.values(skewed).map((s) => s.close()));

  const table = Object.fromEntries(names.map((n) => [n, medianOf(rounds[n] ?? [])]));
  const skewTable = Object.fromEntries(skewNames.map((n) => [n, medianOf(skewRounds[n] ?? [])]));
  const lines = [
    `| system | p50 µs | p99 µs | pipelined req/s | caller CPU µs/request | worker CPU µs/request |`,
    "|---|---|---|---|---|---|",
    ...names.map((n) => {
      const f = table[n] as RoundFigures;
      return `| ${n} | ${cell(f.p50Us)} | ${cell(f.p99Us)} | ${cell(f.requestsPerSecond)} | ${cell(f.callerCpuUsPerRequest, 1)} | ${cell(f.workerCpuUsPerRequest, 1)} |`;
    }),
    "",
    `| skewed: 4 echo workers, one ${SKEW_SLOW_MS / SKEW_FAST_MS}× slower (${SKEW_FAST_MS} ms / ${SKEW_SLOW_MS} ms), ${IN_FLIGHT} in flight | p50 µs | p99 µs | req/s |`,
    "|---|---|---|---|",
    ...skewNames.map((n) => {
      const f = skewTable[n] as Awaited<ReturnType<typeof skewRound>>;
      return `| ${n} | ${cell(f.p50Us)} | ${cell(f.p99Us)} | ${cell(f.requestsPerSecond)} |`;
    }),
    "",
    CALLER_CPUS
      ? `pinned: caller on CPU ${CALLER_CPUS}, servers on CPU ${SERVER_CPUS} (BENCH_CPUS)`
      : "unpinned",
    `load average (1 min) at start ${startedLoad[0]?.toFixed(2)}, per round: ${Object.values(rounds)
      .flat()
      .map((r) => r.loadAverage.toFixed(2))
      .join(" ")}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);

  const at = new Date().toISOString();
  const results = {
    at,
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model,
      node: process.version,
      loadAverageAtStart: startedLoad,
    },
    settings: {
      rounds: ROUNDS,
      warmUp: WARM_UP,
      sequential: SEQUENTIAL,
      inFlight: IN_FLIGHT,
      windowMs: WINDOW_MS,
      payloadBytes: PAYLOAD.byteLength,
      skew: { fastMs: SKEW_FAST_MS, slowMs: SKEW_SLOW_MS },
      pinned: CALLER_CPUS ? { caller: CALLER_CPUS, servers: SERVER_CPUS } : undefined,
    },
    medians: table,
    rounds,
    skewed: { medians: skewTable, rounds: skewRounds },
  };
  saveBenchResults("rpc", results, at);
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`bench failed: ${String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.all(children.map((c) => c.stop()));
    // Moleculer's and ZeroMQ's handles may outlive main: the figures are out, so leave.
    process.exit();
  });
