import { readdirSync } from "node:fs";
import type { Registry } from "prom-client";
import { CallFailure, MeshError, type PeerClient, type PeerClientOptions, parseJson } from "../src/mod.js";
import { FakeMembers, freePort, SilentEndpoint, startEchoMesh, useCleanup, waitFor } from "../testing/mod.js";

// Hostile or broken instances, as one caller sees them: a hung worker, a silent endpoint kept alive
// by heartbeats, endpoints nobody listens on. Whatever they do, calls keep being served.

const INTERVAL = 500;
const DEADLINE_MS = 4000;
const cleanup = useCleanup();
const { closeLater } = cleanup;
const sleep0 = Buffer.from(JSON.stringify({ ms: 0 }));

const meshWith = (workers: number, client: Partial<PeerClientOptions> = {}) =>
  startEchoMesh(cleanup, { workers, client: { defaultTimeoutMs: DEADLINE_MS, ...client } });

/** A record kept alive by heartbeats whose endpoint accepts requests and never answers. */
async function addSilentInstance(mapperEndpoint: string, client: PeerClient): Promise<SilentEndpoint> {
  const silent = closeLater(await SilentEndpoint.start());
  const rogue = closeLater(new FakeMembers(mapperEndpoint).keepAlive(INTERVAL));
  const before = client.directory.instances("echo").length;
  await rogue.register([{ service: "echo", instanceId: "silent-1", endpoint: silent.endpoint }]);
  await waitFor(
    "the silent record in the directory",
    () => client.directory.instances("echo").length > before,
  );
  return silent;
}

/** Sequential calls; resolves with who served each and how long the slowest took. */
async function callMany(client: PeerClient, count: number, retryable = true) {
  const servedBy: string[] = [];
  let slowestMs = 0;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const reply = await client.call("echo", "sleep", sleep0, { retryable });
    slowestMs = Math.max(slowestMs, performance.now() - started);
    servedBy.push(parseJson<{ by: string }>(reply.payload).by);
  }
  return { servedBy, slowestMs };
}

const counterValue = async (metrics: Registry, name: string) =>
  ((await metrics.getSingleMetric(name)?.get())?.values ?? []).reduce((sum, v) => sum + v.value, 0);

describe("peer outlier detection", () => {
  it("a hung (SIGSTOPped) worker costs an idempotent call one short attempt, not its deadline", async () => {
    const { workers, client, metrics } = await meshWith(2);
    const [hung, healthy] = workers;
    if (!hung || !healthy) throw new Error("two workers expected");
    // Learn how long the job takes on each instance.
    expect(new Set((await callMany(client, 30)).servedBy).size).toBe(2);

    hung.worker.kill("SIGSTOP");
    const { servedBy, slowestMs } = await callMany(client, 30);
    expect(new Set(servedBy)).toEqual(new Set([healthy.instanceId]));
    // Without budgets a call that met the hung worker waited out its whole deadline.
    expect(slowestMs).toBeLessThan(DEADLINE_MS / 2);
    expect(await counterValue(metrics, "zmesh_peer_overdue_total")).toBeGreaterThan(0);
    expect(client.usableInstances("echo")).toBe(1);
  });

  it("a silent endpoint kept alive by heartbeats is hedged around and taken out of choice", async () => {
    const { endpoint, workers, client, metrics } = await meshWith(1);
    const silent = await addSilentInstance(endpoint, client);

    const { servedBy, slowestMs } = await callMany(client, 40);
    expect(new Set(servedBy)).toEqual(new Set([workers[0]?.instanceId]));
    expect(silent.received).toBeGreaterThan(0);
    expect(slowestMs).toBeLessThan(DEADLINE_MS / 2);
    expect(await counterValue(metrics, "zmesh_peer_overdue_total")).toBeGreaterThan(0);
  });

  it("never runs a job that is not retryable twice: it waits for the instance it chose", async () => {
    const { endpoint, client } = await meshWith(1, { defaultTimeoutMs: 600 });
    const silent = await addSilentInstance(endpoint, client);

    let served = 0;
    let timedOut = 0;
    for (let i = 0; i < 20; i++) {
      try {
        await client.call("echo", "sleep", sleep0);
        served++;
      } catch (error) {
        expect(error).toBeInstanceOf(MeshError);
        expect((error as MeshError).code).toBe(CallFailure.TIMEOUT);
        timedOut++;
      }
    }
    // Each call went to exactly one instance: every request the silent one swallowed is a timed-out call.
    expect(served + timedOut).toBe(20);
    // Both paths were taken: some calls chose the silent instance (and waited), others the worker.
    expect(timedOut).toBeGreaterThan(0);
    expect(served).toBeGreaterThan(0);
    expect(silent.received).toBe(timedOut);
  });

  it("an only instance slower than it usually is stays in use: suspect is not gone", async () => {
    const { workers, client, metrics } = await meshWith(1, { defaultTimeoutMs: 5000 });
    await callMany(client, 10);
    const slow = Buffer.from(JSON.stringify({ ms: 600 }));
    const first = client.call("echo", "sleep", slow);
    await waitFor(
      "the first call to be overdue",
      async () => (await counterValue(metrics, "zmesh_peer_overdue_total")) > 0,
    );
    expect(client.usableInstances("echo")).toBe(0);
    // No other instance exists: the suspect one still takes the job, rather than NO_PEER.
    const replies = await Promise.all([first, client.call("echo", "sleep", sleep0)]);
    for (const reply of replies)
      expect(parseJson<{ by: string }>(reply.payload).by).toBe(workers[0]?.instanceId);
  });

  it("a record pointing at something else (here the mapper) is rested, and the job goes elsewhere", async () => {
    const { endpoint, workers, client, metrics } = await meshWith(1);
    const rogue = closeLater(new FakeMembers(endpoint).keepAlive(INTERVAL));
    await rogue.register([{ service: "echo", instanceId: "not-a-worker", endpoint }]);
    await waitFor("the false record in the directory", () => client.directory.instances("echo").length === 2);

    // Not retryable: the mapper's UNEXPECTED_TYPE says the job never ran, so it may go elsewhere.
    const { servedBy } = await callMany(client, 20, false);
    expect(new Set(servedBy)).toEqual(new Set([workers[0]?.instanceId]));
    const ejections = await metrics.getSingleMetric("zmesh_peer_ejections_total")?.get();
    expect(ejections?.values.find((v) => v.labels.reason === "misdirected")?.value).toBeGreaterThan(0);
  });

  it("instances nobody listens on are set aside, and cost a bounded number of sockets", async () => {
    const subsetSize = 4;
    const { endpoint, workers, client, metrics } = await meshWith(1, { subsetSize, connectTimeoutMs: 200 });
    const closedPort = await freePort();
    const rogue = closeLater(new FakeMembers(endpoint).keepAlive(INTERVAL));
    const fakes = Array.from({ length: 30 }, (_, i) => ({
      service: "echo",
      instanceId: `nobody-${i}`,
      endpoint: `tcp://127.0.0.1:${closedPort}`,
    }));
    expect(new Set(await rogue.register(fakes))).toEqual(new Set(["ACK"]));
    await waitFor("every record in the directory", () => client.directory.instances("echo").length === 31);
    const fdsBefore = openFileDescriptors();

    let mostConnections = 0;
    const sampleConnections = () => {
      mostConnections = Math.max(mostConnections, client.connectionCount("echo"));
    };
    const reply = await waitFor(
      "a call served by the real worker",
      async () => {
        sampleConnections();
        return client
          .call("echo", "sleep", sleep0, { retryable: true, timeoutMs: 300 })
          .catch(() => undefined);
      },
      20_000,
      50,
    );
    expect(parseJson<{ by: string }>(reply.payload).by).toBe(workers[0]?.instanceId);
    // Whichever instances this caller drew first, those with nobody listening are set aside in turn.
    await waitFor("instances set aside", async () => {
      sampleConnections();
      return (await counterValue(metrics, "zmesh_peer_unreachable_total")) >= 5;
    });
    expect(mostConnections).toBeLessThanOrEqual(subsetSize);
    // Set-aside instances' sockets are closed: no descriptor is left behind for each one tried.
    expect(openFileDescriptors() - fdsBefore).toBeLessThan(20);
  });
});

function openFileDescriptors(): number {
  return readdirSync("/proc/self/fd").length;
}
