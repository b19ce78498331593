import { cpus } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { MapperClient, PeerClient } from "../src/mod.js";
import {
  measureLatency,
  measureThroughput,
  percentile,
  recordingLogger,
  ServiceProcess,
  saveBenchResults,
  temporaryKeySet,
} from "../testing/mod.js";
import { bareEchoClient } from "./bare-echo-client.js";
import { registrationTimes } from "./registration-timing.js";

const here = dirname(fileURLToPath(import.meta.url));
const LATENCY_SAMPLES = Number(process.env.BENCH_SAMPLES ?? 5000);
const THROUGHPUT_TOTAL = Number(process.env.BENCH_TOTAL ?? 50_000);
const WINDOW = 256;
const ROUNDS = 5;
const FAILOVER_TRIALS = Number(process.env.BENCH_TRIALS ?? 3);
const REGISTRATIONS = Number(process.env.BENCH_REGISTRATIONS ?? 200);
const keySet = temporaryKeySet(["echo", "cli"]);
const children: ServiceProcess[] = [];
const child = (script: string, args: string[] = [], env: Record<string, string> = {}) => {
  const started = new ServiceProcess(
    resolve(here, script),
    { LOG_LEVEL: "info", ...env },
    { args, stdin: "pipe" },
  );
  children.push(started);
  return started;
};

interface System {
  roundTrip: () => Promise<unknown>;
  close(): Promise<void>;
}

async function bareEcho(): Promise<System> {
  const server = child("bare-echo-server.js", ["tcp://127.0.0.1:*"]);
  const { endpoint } = await server.waitForLog("listening");
  const client = bareEchoClient(String(endpoint));
  return {
    roundTrip: client.roundTrip,
    async close() {
      client.close();
      await server.stop();
    },
  };
}

/** A mapper and `workers` echo workers: plaintext (ServiceProcess's default), or with CURVE when `curve`. */
async function startMesh(workers: number, heartbeatIntervalMs: number, curve = false) {
  const env = {
    HEARTBEAT_INTERVAL_MS: String(heartbeatIntervalMs),
    LOG_LEVEL: "info",
    ...(curve ? keySet.env : {}),
  };
  const mapper = child("../../../mapper/dist/src/main.js", [], {
    ...env,
    MAPPER_BIND: "tcp://127.0.0.1:0",
    MAPPER_EVENTS_BIND: "tcp://127.0.0.1:0",
    METRICS_PORT: "0",
  });
  const mapperEndpoint = String((await mapper.waitForLog("mapper listening")).endpoint);
  const started = [];
  for (let i = 0; i < workers; i++) {
    const worker = child("../examples/echo-worker.js", [], { ...env, MAPPER_ENDPOINT: mapperEndpoint });
    const listening = await worker.waitForLog("worker listening");
    started.push({ worker, instanceId: String(listening.instance) });
  }
  return { mapper, mapperEndpoint, workers: started };
}

async function meshRuntime(curve = false): Promise<System & { mapperEndpoint: string }> {
  const { mapperEndpoint, mapper, workers } = await startMesh(1, 1000, curve);
  const client = new PeerClient({
    mapperEndpoint,
    ...(curve ? { security: { curve: keySet.keys("cli") } } : {}),
  });
  await client.ready;
  while (client.directory.count("echo") < 1) await new Promise((r) => setTimeout(r, 10));
  const empty = Buffer.alloc(0);
  return {
    mapperEndpoint,
    roundTrip: () => client.call("echo", "noop", empty),
    async close() {
      client.close();
      await Promise.all([mapper.stop(), ...workers.map((w) => w.worker.stop())]);
    },
  };
}

type SystemName = "bare" | "mesh" | "meshCurve";
interface Figures {
  p50Us: number;
  p99Us: number;
  requestsPerSecond: number;
}

/**
 * The systems run side by side and take turns, round after round, so a noisy neighbour on this
 * shared machine hits all alike; each figure is over all rounds (latency) or their median (throughput).
 */
async function compare(systems: Record<SystemName, System>): Promise<Record<SystemName, Figures>> {
  const names = Object.keys(systems) as SystemName[];
  const latencies = Object.fromEntries(names.map((name) => [name, [] as number[]]));
  const rates = Object.fromEntries(names.map((name) => [name, [] as number[]]));
  for (const system of Object.values(systems)) await measureLatency(system.roundTrip, 3000); // warm up the JIT
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) {
      latencies[name]?.push(...(await measureLatency(systems[name].roundTrip, LATENCY_SAMPLES / ROUNDS)));
      rates[name]?.push(
        (await measureThroughput(systems[name].roundTrip, THROUGHPUT_TOTAL / ROUNDS, WINDOW))
          .requestsPerSecond,
      );
    }
  }
  const summary = (name: SystemName): Figures => {
    const sorted = (latencies[name] ?? []).sort((a, b) => a - b);
    const throughput = (rates[name] ?? []).sort((a, b) => a - b);
    return {
      p50Us: percentile(sorted, 50),
      p99Us: percentile(sorted, 99),
      requestsPerSecond: percentile(throughput, 50),
    };
  };
  return { bare: summary("bare"), mesh: summary("mesh"), meshCurve: summary("meshCurve") };
}

/** p50 and p99 of a member's registration, plaintext and with CURVE, turn about on each system's mapper. */
async function registrations(endpoints: { plain: string; curve: string }) {
  const plain: number[] = [];
  const curve: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    plain.push(...(await registrationTimes(endpoints.plain, REGISTRATIONS / ROUNDS)));
    curve.push(...(await registrationTimes(endpoints.curve, REGISTRATIONS / ROUNDS, keySet.keys("echo"))));
  }
  const summary = (times: number[]) => {
    const sorted = times.sort((a, b) => a - b);
    return { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
  };
  return { plain: summary(plain), curve: summary(curve) };
}

async function failoverTrial(heartbeatIntervalMs: number) {
  const { mapperEndpoint, mapper, workers } = await startMesh(2, heartbeatIntervalMs);
  const logger = recordingLogger();
  const client = new PeerClient({ mapperEndpoint, logger });
  const watcher = new MapperClient(mapperEndpoint);
  let expiredAt = 0;
  const [victim] = workers;
  if (!victim) throw new Error("no worker");
  const { ready } = watcher.watch((change) => {
    if (change.kind === "expired" && change.instance.instanceId === victim.instanceId)
      expiredAt = performance.now();
  });
  await Promise.all([client.ready, ready]);
  while (client.directory.instances("echo").length < 2) await new Promise((r) => setTimeout(r, 10));
  for (let i = 0; i < 50; i++) await client.call("echo", "noop", Buffer.alloc(0));

  // Traffic keeps flowing while the worker dies: the figure is when the caller stops routing to it.
  let running = true;
  let failures = 0;
  const traffic = (async () => {
    while (running) {
      await client.call("echo", "noop", Buffer.alloc(0), { timeoutMs: 500 }).catch(() => failures++);
    }
  })();
  const killedAt = performance.now();
  victim.worker.child.kill("SIGKILL");
  while (!expiredAt && performance.now() - killedAt < 10 * heartbeatIntervalMs)
    await new Promise((r) => setTimeout(r, 5));
  running = false;
  await traffic;
  const dropped = logger.lines.find(
    (l) => l.message.startsWith("peer connection dropped") && l.fields.peer === victim.instanceId,
  );
  client.close();
  watcher.close();
  await Promise.all([mapper.stop(), ...workers.map((w) => w.worker.stop())]);
  return {
    stopRoutingMs: dropped ? dropped.at - killedAt : Number.NaN,
    expiryMs: expiredAt ? expiredAt - killedAt : Number.NaN,
    failedCalls: failures,
  };
}

function row(cells: (string | number)[]): string {
  return `| ${cells.map((c) => (typeof c === "number" ? c.toFixed(c >= 100 ? 0 : 1) : c)).join(" | ")} |`;
}

async function main() {
  const systems = { bare: await bareEcho(), mesh: await meshRuntime(), meshCurve: await meshRuntime(true) };
  const { bare, mesh, meshCurve } = await compare(systems);
  const registration = await registrations({
    plain: systems.mesh.mapperEndpoint,
    curve: systems.meshCurve.mapperEndpoint,
  });
  await Promise.all(Object.values(systems).map((system) => system.close()));
  const heartbeatIntervalMs = 1000;
  const trials = [];
  for (let i = 0; i < FAILOVER_TRIALS; i++) trials.push(await failoverTrial(heartbeatIntervalMs));
  const stop = trials.map((t) => t.stopRoutingMs).sort((a, b) => a - b);
  const expiry = trials.map((t) => t.expiryMs).sort((a, b) => a - b);

  const results = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    settings: {
      latencySamples: LATENCY_SAMPLES,
      throughputTotal: THROUGHPUT_TOTAL,
      window: WINDOW,
      rounds: ROUNDS,
      payloadBytes: 0,
    },
    bareEcho: bare,
    meshNoop: mesh,
    meshNoopCurve: meshCurve,
    ratios: { p50: mesh.p50Us / bare.p50Us, throughput: mesh.requestsPerSecond / bare.requestsPerSecond },
    curveCost: {
      p50: meshCurve.p50Us / mesh.p50Us,
      p99: meshCurve.p99Us / mesh.p99Us,
      throughput: meshCurve.requestsPerSecond / mesh.requestsPerSecond,
    },
    registration: { trials: REGISTRATIONS, ...registration },
    failover: { heartbeatIntervalMs, trials },
  };
  const lines = [
    "| round trip (no-op, 127.0.0.1 tcp) | p50 µs | p99 µs | pipelined req/s (window 256) |",
    "|---|---|---|---|",
    row(["bare zeromq DEALER→ROUTER echo", bare.p50Us, bare.p99Us, bare.requestsPerSecond]),
    row(["zmesh peer client → worker runtime", mesh.p50Us, mesh.p99Us, mesh.requestsPerSecond]),
    row([
      "ratio (target p50 ≤ 1.5×, throughput ≥ 0.5×)",
      `${results.ratios.p50.toFixed(2)}×`,
      "",
      `${results.ratios.throughput.toFixed(2)}×`,
    ]),
    row([
      "zmesh peer client → worker runtime, CURVE",
      meshCurve.p50Us,
      meshCurve.p99Us,
      meshCurve.requestsPerSecond,
    ]),
    row([
      "CURVE cost (CURVE / plaintext)",
      `${results.curveCost.p50.toFixed(2)}×`,
      `${results.curveCost.p99.toFixed(2)}×`,
      `${results.curveCost.throughput.toFixed(2)}×`,
    ]),
    "",
    `| a member registers (new connection → REGISTER → ACK, ${REGISTRATIONS} each) | p50 ms | p99 ms |`,
    "|---|---|---|",
    row(["plaintext", registration.plain.p50Ms, registration.plain.p99Ms]),
    row(["CURVE (handshake, proof checked)", registration.curve.p50Ms, registration.curve.p99Ms]),
    "",
    `| worker SIGKILLed (heartbeat ${heartbeatIntervalMs} ms, ${FAILOVER_TRIALS} trials) | median ms | max ms | target |`,
    "|---|---|---|---|",
    row(["callers stop routing to it", percentile(stop, 50), stop.at(-1) ?? Number.NaN, "< 1000"]),
    row([
      "mapper expires it",
      percentile(expiry, 50),
      expiry.at(-1) ?? Number.NaN,
      `≤ ${3.3 * heartbeatIntervalMs}`,
    ]),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  saveBenchResults("mesh", results, results.at);
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`bench failed: ${String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.all(children.map((c) => c.stop()));
    keySet.remove();
  });
