// npm run bench (gateway part): GET /api/mesh's answer at 5,000 instances, summarised and paged
// against the whole list it used to send. Prints a table and writes bench/results/mesh-view-<time>.json.
// Not a test: no pass/fail.
import type { InstanceRecord } from "@zmesh/mesh";
import { DirectoryCache, saveBenchResults } from "@zmesh/mesh/testing";
import { meshQuerySchema, meshView } from "../src/http/mesh-view.js";

const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);

function directoryOf(count: number): DirectoryCache {
  const instances: InstanceRecord[] = Array.from({ length: count }, (_, n) => ({
    service: "image-worker",
    instanceId: `image-worker-${n}`,
    endpoint: `tcp://10.0.${Math.floor(n / 250)}.${n % 250}:7000`,
    metricsAddress: `10.0.${Math.floor(n / 250)}.${n % 250}:9100`,
    registeredAt: Date.now(),
    silentForMs: 200,
    state: n % 10 === 0 ? "warning" : "passing",
    load: {
      inFlight: n % 3,
      queued: 0,
      capacity: 6,
      utilization: (n % 100) / 100,
      jobs: { render: { used: n % 3, slots: 6 } },
      latencyMs: 5,
      served: n * 10,
      refused: 0,
    },
  }));
  const directory = new DirectoryCache();
  directory.applySnapshot({ epoch: "bench", partial: false, instances });
  return directory;
}

/** The answer before paging: every instance of every service. */
function wholeList(directory: DirectoryCache) {
  return Object.fromEntries(
    directory.services().map((service) => [
      service,
      directory.instances(service).map((i) => ({
        id: i.instanceId,
        state: i.state,
        load: i.load.utilization,
        inFlight: i.load.inFlight,
        queued: i.load.queued,
        latencyMs: i.load.latencyMs,
        endpoint: i.endpoint,
      })),
    ]),
  );
}

function measure(name: string, answer: () => unknown) {
  const times: number[] = [];
  let bytes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    bytes = JSON.stringify(answer()).length;
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? Number.NaN;
  return { name, kib: +(bytes / 1024).toFixed(1), p50Ms: +at(0.5).toFixed(2), p99Ms: +at(0.99).toFixed(2) };
}

const directory = directoryOf(INSTANCES);
const rows = [
  measure("whole list (before)", () => wholeList(directory)),
  measure("summary + first page of 200", () => meshView(directory, meshQuerySchema.parse({}))),
  measure("summary + last page of 200", () =>
    meshView(directory, meshQuerySchema.parse({ offset: String(INSTANCES - 200) })),
  ),
  measure("one service, limit 1000", () =>
    meshView(directory, meshQuerySchema.parse({ service: "image-worker", limit: "1000" })),
  ),
];
console.log(`GET /api/mesh answer at ${INSTANCES} instances (build + JSON, ${ROUNDS} rounds)`);
console.table(rows);
saveBenchResults("mesh-view", { instances: INSTANCES, rounds: ROUNDS, rows });
