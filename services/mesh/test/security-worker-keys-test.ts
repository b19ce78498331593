import { Registry } from "prom-client";
import { curveKeyPair, Router } from "zeromq";
import { PeerClient } from "../src/mod.js";
import {
  KeyedMember,
  startEchoWorker,
  startMapperProcess,
  type TemporaryKeySet,
  temporaryKeySet,
  useCleanup,
  waitFor,
} from "../testing/mod.js";

// Callers dial each worker with the key its record names: a record is a claim, and only the holder
// of that key's secret can make it good. The mesh works end to end with CURVE on every socket.

const { group, closeLater } = useCleanup();
let keySet: TemporaryKeySet;
beforeAll(() => {
  keySet = temporaryKeySet(["echo", "cli"]);
});
afterAll(() => keySet.remove());

const env = () => ({ ...keySet.env, HEARTBEAT_INTERVAL_MS: "200" });

async function keyedEchoMesh(workers: number) {
  const { endpoint } = group.add(await startMapperProcess(env()));
  const started = [];
  for (let i = 0; i < workers; i++) started.push(group.add(await startEchoWorker(endpoint, env())));
  await Promise.all(started.map(({ worker }) => worker.waitForLog("registered")));
  return { endpoint, workers: started };
}

/** A CURVE job socket with a key pair of its own: it can bind any address and claim any key. */
async function rogueEndpoint() {
  const router = closeLater(new Router({ linger: 0, curveServer: true, ...keyPairOptions() }));
  await router.bind("tcp://127.0.0.1:*");
  const rogue = { endpoint: router.lastEndpoint as string, received: 0, refusedHandshakes: 0 };
  void (async () => {
    for await (const _ of router) rogue.received++;
  })().catch(() => {}); // ends with EAGAIN when the test closes it
  // A caller that dials it with the record's key fails the CURVE handshake here: proof it was tried.
  void (async () => {
    for await (const event of router.events)
      if (event.type.startsWith("handshake:error")) rogue.refusedHandshakes++;
  })().catch(() => {});
  return rogue;
}

function keyPairOptions() {
  const { publicKey, secretKey } = curveKeyPair();
  return { curvePublicKey: publicKey, curveSecretKey: secretKey };
}

const sleep = (client: PeerClient) =>
  client
    .call("echo", "sleep", Buffer.from('{"ms":1}'), { timeoutMs: 3000 })
    .then(({ payload }) => (JSON.parse(Buffer.from(payload).toString()) as { by: string }).by);

describe("workers with CURVE", () => {
  jest.setTimeout(30_000);

  it("serve a keyed caller through a keyed mapper; each record names the worker's key", async () => {
    const { endpoint, workers } = await keyedEchoMesh(2);
    const client = closeLater(
      new PeerClient({ mapperEndpoint: endpoint, security: { curve: keySet.keys("cli") } }),
    );
    await waitFor("both workers in the directory", () => client.directory.instances("echo").length === 2);

    const echoKey = keySet.keys("echo").own.publicKey;
    expect(client.directory.instances("echo").map((record) => record.publicKey)).toEqual([echoKey, echoKey]);
    const servedBy = new Set<string>();
    for (let call = 0; call < 40; call++) servedBy.add(await sleep(client));
    expect([...servedBy].sort()).toEqual(workers.map((w) => w.instanceId).sort());
  });

  it("never send a job to an endpoint that does not hold the key its record names", async () => {
    const { endpoint, workers } = await keyedEchoMesh(2);
    const rogue = await rogueEndpoint();
    // A member of the set registers the rogue's address under its own (echo) key, legitimately.
    const echoKey = new KeyedMember(endpoint, keySet.keys("echo"));
    closeLater(echoKey);
    const rogueRecord = { service: "echo", instanceId: "echo-rogue", endpoint: rogue.endpoint };
    expect(await echoKey.register(rogueRecord)).toBe("ACK");
    const beat = setInterval(() => void echoKey.heartbeat("echo-rogue"), 200);
    closeLater({ close: () => clearInterval(beat) });

    const metrics = new Registry();
    const client = closeLater(
      new PeerClient({
        mapperEndpoint: endpoint,
        metrics,
        connectTimeoutMs: 500,
        security: { curve: keySet.keys("cli") },
      }),
    );
    await waitFor("three echo records", () => client.directory.instances("echo").length === 3);
    const unreachable = async () =>
      Number(
        (await metrics.getSingleMetric("zmesh_peer_unreachable_total")?.get())?.values.reduce(
          (sum, { value }) => sum + value,
          0,
        ) ?? 0,
      );

    // Calls go on while the client dials the rogue, fails the handshake and sets it aside.
    const servedBy: string[] = [];
    await waitFor(
      "the rogue set aside as unreachable",
      async () => {
        servedBy.push(await sleep(client));
        return (await unreachable()) >= 1;
      },
      10_000,
      0,
    );
    for (let call = 0; call < 20; call++) servedBy.push(await sleep(client));

    expect(new Set(servedBy)).toEqual(new Set(workers.map((w) => w.instanceId)));
    // Dialled (the handshake reached it and failed), and never handed a message.
    expect(rogue.refusedHandshakes).toBeGreaterThan(0);
    expect(rogue.received).toBe(0);
  });

  it("are not dialled by a caller without a key: it cannot even read the directory", async () => {
    const { endpoint } = await keyedEchoMesh(1);
    const keyed = closeLater(
      new PeerClient({ mapperEndpoint: endpoint, security: { curve: keySet.keys("cli") } }),
    );
    const plain = closeLater(new PeerClient({ mapperEndpoint: endpoint, metrics: new Registry() }));
    await waitFor("the worker in the keyed caller's directory", () => keyed.directory.count("echo") === 1);
    await expect(sleep(keyed)).resolves.toMatch(/^echo-/);

    await expect(
      plain.call("echo", "sleep", Buffer.from('{"ms":1}'), { timeoutMs: 1000 }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/NO_PEER|TIMEOUT/) });
    expect(plain.directory.count("echo")).toBe(0);
  });
});
