import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { MapperClient, PeerClient, parseJson } from "../src/mod.js";
import {
  repoRoot,
  type ServiceProcess,
  startEchoWorker,
  startMapperProcess,
  useCleanup,
  waitFor,
} from "../testing/mod.js";

// Two mapper replicas, no consensus between them: every member registers and heartbeats with both,
// every caller watches both and merges what they say. Real processes over tcp.
const INTERVAL = 500;
const env = { HEARTBEAT_INTERVAL_MS: String(INTERVAL) };
const cleanup = useCleanup();
const { group, closeLater } = cleanup;
const run = promisify(execFile);
const CLI = resolve(repoRoot, "services/cli/bin/zmesh.js");

/** Two mappers, `workers` echo workers registered with both, and a caller watching both. */
async function replicatedMesh(workers: number) {
  const a = group.add(await startMapperProcess(env));
  const b = group.add(await startMapperProcess(env));
  const endpoints = [a.endpoint, b.endpoint];
  const memberEnv = { ...env, MAPPER_ENDPOINTS: endpoints.join(",") };
  const started = [];
  for (let i = 0; i < workers; i++) started.push(group.add(await startEchoWorker(a.endpoint, memberEnv)));
  const ids = started.map((w) => w.instanceId).sort();
  for (const endpoint of endpoints)
    await waitFor(`every worker registered with ${endpoint}`, async () =>
      sameIds(await listedBy(endpoint), ids),
    );
  const client = closeLater(
    new PeerClient({ mapperEndpoints: endpoints, directoryStaleMs: 2 * INTERVAL, defaultTimeoutMs: 2000 }),
  );
  await waitFor("the caller to see every worker", () => client.directory.count("echo") === workers);
  return { a, b, endpoints, memberEnv, workers: started, ids, client };
}

/** The instance ids one mapper lists, asked alone. */
async function listedBy(endpoint: string): Promise<string[]> {
  const client = new MapperClient(endpoint);
  try {
    return (await client.list(undefined, INTERVAL)).map((record) => record.instanceId).sort();
  } finally {
    client.close();
  }
}

const sameIds = (listed: string[], ids: string[]) => listed.join() === ids.join();

/** Restarts a killed mapper on its control endpoint (its events socket gets a new port, as after a crash). */
async function restart(endpoint: string) {
  const { mapper } = group.add(await startMapperProcess({ ...env, MAPPER_BIND: endpoint }));
  const listening = await mapper.waitForLog("mapper listening");
  return { mapper, listening };
}

/** When `mapper` logged `instance registered` for `instanceId`, ms after it started listening. */
async function registeredAfterMs(mapper: ServiceProcess, listeningAt: unknown, instanceId: string) {
  const line = await mapper.waitForLine(
    `registration of ${instanceId}`,
    (l) => l.message === "instance registered" && l.member === instanceId,
    10 * INTERVAL,
  );
  return Date.parse(String(line.timestamp)) - Date.parse(String(listeningAt));
}

describe("two mapper replicas", () => {
  it("killing one changes nothing a caller or the CLI sees: every call answered, the directory whole", async () => {
    const { a, b, endpoints, ids, client } = await replicatedMesh(2);
    const epochB = String((await b.mapper.waitForLog("mapper listening")).epoch);
    let calls = 0;
    let failures = 0;
    let smallestDirectory = Number.POSITIVE_INFINITY;
    let stopped = false;
    const calling = (async () => {
      while (!stopped) {
        smallestDirectory = Math.min(smallestDirectory, client.directory.count("echo"));
        await client.call("echo", "echo", Buffer.from("x")).then(
          () => calls++,
          () => failures++,
        );
      }
    })();

    a.mapper.kill("SIGKILL");
    await a.mapper.exited;
    // The killed mapper's copy leaves the caller's view once it has been silent (2 intervals here).
    await waitFor(
      "the caller to follow mapper b alone",
      () => client.directory.epoch === epochB,
      10 * INTERVAL,
    );
    const callsBefore = calls;
    await waitFor("a hundred more calls", () => calls >= callsBefore + 100, 20_000);
    stopped = true;
    await calling;
    expect(failures).toBe(0);
    expect(smallestDirectory).toBe(2);
    expect(
      client.directory
        .instances("echo")
        .map((r) => r.instanceId)
        .sort(),
    ).toEqual(ids);

    // The CLI, given both mappers, lists the whole directory from the one that answers.
    const { stdout } = await run(process.execPath, [CLI, "ls", "--json"], {
      env: { ...process.env, ZMESH_INSECURE: "1", MAPPER_ENDPOINTS: endpoints.join(",") },
    });
    expect((JSON.parse(stdout) as { instanceId: string }[]).map((r) => r.instanceId).sort()).toEqual(ids);
  });

  it("a killed mapper restarted on its endpoint has the whole directory back within two heartbeat intervals", async () => {
    const { a, ids, workers, client } = await replicatedMesh(2);
    a.mapper.kill("SIGKILL");
    await a.mapper.exited;
    const { mapper, listening } = await restart(a.endpoint);
    // Timed on the mapper's own clock from the moment it listened: process start-up does not count.
    const after = await Promise.all(
      workers.map((w) => registeredAfterMs(mapper, listening.timestamp, w.instanceId)),
    );
    expect(Math.max(...after)).toBeLessThanOrEqual(2 * INTERVAL);
    expect(await listedBy(a.endpoint)).toEqual(ids);
    // The caller follows the restarted mapper (its new epoch, its new events port) too.
    const epoch = String(listening.epoch);
    await waitFor(
      "the caller to hear the restarted mapper",
      () => client.directory.epoch?.includes(epoch),
      10 * INTERVAL,
    );
    expect(client.directory.count("echo")).toBe(2);
  });

  it("while they disagree, an instance known to one mapper only is used, and the other learns of it on its return", async () => {
    const { a, endpoints, memberEnv, client } = await replicatedMesh(1);
    a.mapper.kill("SIGKILL");
    await a.mapper.exited;
    // A worker that starts while mapper a is down registers with b alone.
    const late = group.add(await startEchoWorker(endpoints[1] as string, memberEnv));
    await late.worker.waitForLog("registered");
    expect(await listedBy(endpoints[1] as string)).toContain(late.instanceId);
    await waitFor("the caller to see the late worker", () => client.directory.get("echo", late.instanceId));
    await waitFor("a call served by the late worker", async () => {
      const reply = await client.call("echo", "sleep", Buffer.from('{"ms":0}'));
      return parseJson<{ by: string }>(reply.payload).by === late.instanceId;
    });

    const { mapper, listening } = await restart(a.endpoint);
    expect(await registeredAfterMs(mapper, listening.timestamp, late.instanceId)).toBeLessThanOrEqual(
      2 * INTERVAL,
    );
    expect(await listedBy(a.endpoint)).toContain(late.instanceId);
  });
});
