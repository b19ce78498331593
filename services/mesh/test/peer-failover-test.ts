import { parseJson } from "../src/mod.js";
import {
  bindEndpoint,
  startEchoMesh,
  startMapperProcess,
  TRANSPORTS,
  type Transport,
  useCleanup,
  waitFor,
} from "../testing/mod.js";

const INTERVAL = 500;
const cleanup = useCleanup();
const { group } = cleanup;

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const env = { HEARTBEAT_INTERVAL_MS: String(INTERVAL) };

/** A mapper, `workers` echo workers and a client, every socket (control, events, jobs) over `transport`. */
const mesh = (transport: Transport, workers: number) =>
  startEchoMesh(cleanup, {
    workers,
    transport,
    heartbeatIntervalMs: INTERVAL,
    client: { defaultTimeoutMs: 2000, directoryStaleMs: 2 * INTERVAL },
  });

describe.each(TRANSPORTS)("peer failover over %s", (transport) => {
  it("a worker calls another worker through the mesh, keeping the trace id", async () => {
    const { client, workers } = await mesh(transport, 2);
    expect(workers.every((w) => w.endpoint.startsWith(`${transport}://`))).toBe(true);
    const reply = await client.call(
      "echo",
      "relay",
      json({ service: "echo", job: "sleep", body: { ms: 1 } }),
      {
        traceId: "trace-relay-1",
      },
    );
    const body = parseJson<{ relayedBy: string; traceId: string; reply: { by: string; traceId: string } }>(
      reply.payload,
    );
    expect(body.relayedBy).toMatch(/^echo-/);
    expect(body.reply.by).toMatch(/^echo-/);
    expect([body.traceId, body.reply.traceId]).toEqual(["trace-relay-1", "trace-relay-1"]);
  });

  it("stops routing to a SIGKILLed worker at once, long before the mapper expires it", async () => {
    const { mapper, workers, client } = await mesh(transport, 2);
    const [victim, survivor] = workers;
    if (!victim || !survivor) throw new Error("two workers expected");
    const servedBy = new Set<string>();
    for (let i = 0; i < 20; i++) {
      servedBy.add(
        parseJson<{ by: string }>((await client.call("echo", "sleep", json({ ms: 0 }))).payload).by,
      );
    }
    expect(servedBy.size).toBe(2);

    victim.worker.kill("SIGKILL");
    await victim.worker.exited;
    // Idempotent jobs keep succeeding: a call that hits the dropped connection is retried elsewhere.
    const after = [];
    for (let i = 0; i < 20; i++) {
      const reply = await client.call("echo", "sleep", json({ ms: 0 }), { retryable: true });
      after.push(parseJson<{ by: string }>(reply.payload).by);
    }
    expect(new Set(after)).toEqual(new Set([survivor.instanceId]));
    expect(mapper.logs.some((line) => line.message === "instance expired")).toBe(false);
  });

  it("keeps working from its cache while the mapper is down, and a restarted mapper is whole again within two intervals", async () => {
    const { mapper, endpoint, workers, client } = await mesh(transport, 2);
    await mapper.stop();
    for (let i = 0; i < 10; i++) {
      const reply = await client.call("echo", "echo", Buffer.from(`ping ${i}`));
      expect(Buffer.from(reply.payload).toString()).toBe(`ping ${i}`);
    }
    expect(client.directory.instances("echo")).toHaveLength(2);

    // Same control endpoint, as a restarted container would have; the events socket is bound anew
    // (another port or socket file), which the client finds by asking again once the old one goes quiet.
    const { mapper: restarted } = group.add(
      await startMapperProcess({
        ...env,
        MAPPER_BIND: endpoint,
        MAPPER_EVENTS_BIND: bindEndpoint(transport, "events"),
      }),
    );
    const registrations = await waitFor(
      "both workers to re-register with the new mapper",
      () => {
        const lines = restarted.logs.filter((line) => line.message === "instance registered");
        return lines.length === 2 && lines;
      },
      10 * INTERVAL,
    );
    expect(new Set(registrations.map((line) => line.member))).toEqual(
      new Set(workers.map((w) => w.instanceId)),
    );
    // Timed on the mapper's own clock, from the moment it listened: process start-up does not count.
    const listening = await restarted.waitForLog("mapper listening");
    const wholeAfterMs =
      Math.max(...registrations.map((l) => Date.parse(String(l.timestamp)))) -
      Date.parse(String(listening.timestamp));
    expect(wholeAfterMs).toBeLessThanOrEqual(2 * INTERVAL);
    // The client's cache follows the new mapper (new epoch) without losing anyone.
    const newEpoch = String(listening.epoch);
    await waitFor(
      "the client to follow the new mapper",
      () => client.directory.epoch === newEpoch,
      4 * INTERVAL,
    );
    expect(client.directory.instances("echo")).toHaveLength(2);
    expect(Buffer.from((await client.call("echo", "echo", Buffer.from("after"))).payload).toString()).toBe(
      "after",
    );
  });
});
