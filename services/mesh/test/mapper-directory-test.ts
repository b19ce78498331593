import { Dealer } from "zeromq";

import { decode, encode } from "../src/protocol/mod.js";
import {
  jsonRequest,
  MAPPER_SCRIPT,
  ServiceProcess,
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

/** A mapper and `workers` echo workers, every socket (control, events, jobs) over `transport`. */
const mesh = (transport: Transport, workers: number) =>
  startEchoMesh(cleanup, { workers, transport, heartbeatIntervalMs: INTERVAL });

describe.each(TRANSPORTS)("mapper directory over %s", (transport) => {
  it("lists registered workers with their endpoint, load and state", async () => {
    const { mapper, endpoint, workers, client } = await mesh(transport, 2);
    // Every socket really is on this transport, the events socket the watcher followed included.
    const { eventsEndpoint } = await mapper.waitForLog("mapper listening");
    expect([endpoint, String(eventsEndpoint), ...workers.map((w) => w.endpoint)]).toEqual(
      Array(4).fill(expect.stringMatching(new RegExp(`^${transport}://`))),
    );
    const listed = [...client.directory.instances("echo")].sort((a, b) =>
      a.instanceId.localeCompare(b.instanceId),
    );
    const expected = workers
      .map((w) => ({ instanceId: w.instanceId, endpoint: w.endpoint }))
      .sort((a, b) => a.instanceId.localeCompare(b.instanceId));
    expect(listed.map((i) => ({ instanceId: i.instanceId, endpoint: i.endpoint }))).toEqual(expected);
    for (const instance of listed) {
      expect(instance.state).toBe("passing");
      expect(instance.load.capacity).toBeGreaterThan(0);
    }
  });

  it("expires a SIGKILLed worker after missed heartbeats and publishes the change", async () => {
    const { mapper, workers, client } = await mesh(transport, 2);
    const [victim] = workers;
    if (!victim) throw new Error("no worker");
    const killedAt = Date.now();
    victim.worker.kill("SIGKILL");
    const expired = await mapper.waitForLog("instance expired", 10 * INTERVAL);
    expect(expired.member).toBe(victim.instanceId);
    // Expiry comes after three silent intervals, counted from the last heartbeat (up to one before the kill).
    const waited = Date.parse(String(expired.timestamp)) - killedAt;
    expect(waited).toBeGreaterThanOrEqual(2 * INTERVAL - 100);
    await waitFor("the watcher to drop the expired worker", () =>
      client.directory.instances("echo").every((i) => i.instanceId !== victim.instanceId),
    );
    expect(client.directory.instances("echo")).toHaveLength(1);
  });

  it("removes a worker at once when it deregisters on SIGTERM", async () => {
    const { mapper, workers, client } = await mesh(transport, 1);
    workers[0]?.worker.kill("SIGTERM");
    const deregistered = await mapper.waitForLog("instance deregistered", 2 * INTERVAL);
    expect(deregistered.member).toBe(workers[0]?.instanceId);
    // Callers hear of it from the CHANGE, well before the three intervals an expiry would take.
    await waitFor(
      "the watcher to drop the worker",
      () => client.directory.instances("echo").length === 0,
      2 * INTERVAL,
    );
    expect(mapper.logs.some((line) => line.message === "instance expired")).toBe(false);
  });

  it("answers malformed messages with ERROR, counts them, and keeps serving", async () => {
    const { mapper, endpoint, client } = await mesh(transport, 1);
    const raw = new Dealer({ linger: 0, receiveTimeout: 2000 });
    raw.connect(endpoint);
    try {
      const garbage: Buffer[][] = [
        [Buffer.from("GET / HTTP/1.1")],
        [Buffer.from("ZM\x09\x04{}")],
        [Buffer.from("ZM\x01\x04{not json")],
        [Buffer.from("ZM\x01\x66{}")],
        jsonRequest(9, "noop", {}),
      ];
      const codes = [];
      for (const frames of garbage) {
        await raw.send(frames);
        const reply = decode(await raw.receive());
        codes.push(reply.ok && reply.message.type === "ERROR" ? reply.message.header.code : "no error reply");
      }
      expect(codes).toEqual([
        "MALFORMED",
        "UNSUPPORTED_VERSION",
        "MALFORMED",
        "UNKNOWN_TYPE",
        "UNEXPECTED_TYPE",
      ]);
      await raw.send(encode("GET_PEERS", { id: 10, service: "echo" }));
      const peers = decode(await raw.receive());
      expect(peers.ok && peers.message.type === "PEERS" && peers.message.header.instances).toHaveLength(1);
    } finally {
      raw.close();
    }
    expect(client.directory.instances("echo")).toHaveLength(1);
    const { port } = await mapper.waitForLog("metrics listening");
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(
      /zmesh_malformed_messages_total\{socket="mapper",reason="MALFORMED",service="mapper"\} 2/,
    );
    expect(metrics).toMatch(
      /zmesh_malformed_messages_total\{socket="mapper",reason="UNKNOWN_TYPE",service="mapper"\} 1/,
    );
  });
});

describe("mapper settings", () => {
  it("refuses to start with a bad setting, naming the variable and what it allows", async () => {
    const mapper = group.add({
      mapper: new ServiceProcess(MAPPER_SCRIPT, { HEARTBEAT_INTERVAL_MS: "soon", MAPPER_BIND: "http://x" }),
    }).mapper;
    const { code } = await mapper.exited;
    expect(code).toBe(2);
    const stderr = mapper.stderr.join("");
    expect(stderr).toContain('HEARTBEAT_INTERVAL_MS: expected an integer from 100 to 60000 (got "soon")');
    expect(stderr).toContain("MAPPER_BIND: expected a ZeroMQ endpoint");
  });

  it("names the variable when its port is taken", async () => {
    const { endpoint } = group.add(await startMapperProcess());
    const second = group.add({
      mapper: new ServiceProcess(MAPPER_SCRIPT, { MAPPER_BIND: endpoint, METRICS_PORT: "0" }),
    }).mapper;
    expect((await second.exited).code).toBe(2);
    expect(second.stderr.join("")).toContain(`address in use: ${endpoint} (MAPPER_BIND)`);
  });
});
