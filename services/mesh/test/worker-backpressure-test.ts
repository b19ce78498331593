import { Registry } from "prom-client";
import { Dealer } from "zeromq";
import { CallFailure, type MeshError, PeerClient } from "../src/mod.js";
import { decode } from "../src/protocol/mod.js";
import {
  jsonRequest,
  receiveAnswerCount,
  startEchoWorker,
  startMapperProcess,
  useCleanup,
  waitFor,
} from "../testing/mod.js";

const INTERVAL = 500;
const { group, closeLater } = useCleanup();

const sleepJob = (ms: number) => Buffer.from(JSON.stringify({ ms }));
const slotLimits = { HEARTBEAT_INTERVAL_MS: String(INTERVAL), SLEEP_CONCURRENCY: "1", SLEEP_QUEUE: "1" };

describe("worker backpressure", () => {
  it("answers BUSY once its slots and queue are full, with its load", async () => {
    const { endpoint: mapperEndpoint } = group.add(
      await startMapperProcess({ HEARTBEAT_INTERVAL_MS: String(INTERVAL) }),
    );
    const { endpoint } = group.add(await startEchoWorker(mapperEndpoint, slotLimits));
    const raw = new Dealer({ linger: 0, receiveTimeout: 5000 });
    raw.connect(endpoint);
    try {
      for (const id of [1, 2, 3]) {
        await raw.send(jsonRequest(id, "sleep", { ms: 400 }, 5000));
      }
      const replies = [];
      for (const decoded of await receiveAnswerCount(raw, 3)) if (decoded.ok) replies.push(decoded.message);
      // The third arrives while one runs and one waits: refused at once, before the others finish.
      expect(replies.map((m) => [m.type, "id" in m.header ? m.header.id : undefined])).toEqual([
        ["BUSY", 3],
        ["REPLY", 1],
        ["REPLY", 2],
      ]);
      const busy = replies[0];
      expect(busy?.type === "BUSY" && busy.header.load).toMatchObject({
        utilization: 1,
        jobs: { sleep: { used: 2, slots: 2 } },
      });
    } finally {
      raw.close();
    }
  });

  it("routes around an instance reported saturated", async () => {
    const { endpoint: mapperEndpoint } = group.add(
      await startMapperProcess({ HEARTBEAT_INTERVAL_MS: String(INTERVAL) }),
    );
    const busy = group.add(await startEchoWorker(mapperEndpoint, slotLimits));
    const idle = group.add(await startEchoWorker(mapperEndpoint, slotLimits));
    const peers = closeLater(new PeerClient({ mapperEndpoint }));
    await waitFor("two workers", () => peers.directory.instances("echo").length === 2);

    // Fill the first worker directly, so the client's own in-flight count knows nothing of it.
    const raw = new Dealer({ linger: 0 });
    raw.connect(busy.endpoint);
    for (const id of [1, 2]) {
      await raw.send(jsonRequest(id, "sleep", { ms: 4000 }, 10_000));
    }
    try {
      await waitFor(
        "the saturated worker to be reported as warning",
        () => peers.directory.get("echo", busy.instanceId)?.state === "warning",
      );
      for (let i = 0; i < 6; i++) {
        const reply = await peers.call("echo", "sleep", sleepJob(1), { contentType: "application/json" });
        expect(JSON.parse(Buffer.from(reply.payload).toString()).by).toBe(idle.instanceId);
      }
    } finally {
      raw.close();
    }
  });

  it("retries a BUSY answer on another instance before the load report arrives", async () => {
    const { endpoint: mapperEndpoint } = group.add(
      await startMapperProcess({ HEARTBEAT_INTERVAL_MS: "5000" }),
    );
    const full = group.add(
      await startEchoWorker(mapperEndpoint, { ...slotLimits, HEARTBEAT_INTERVAL_MS: "5000" }),
    );
    const free = group.add(
      await startEchoWorker(mapperEndpoint, { ...slotLimits, HEARTBEAT_INTERVAL_MS: "5000" }),
    );
    const metrics = new Registry();
    const peers = closeLater(new PeerClient({ mapperEndpoint, metrics }));
    await waitFor("two workers", () => peers.directory.instances("echo").length === 2);
    const raw = new Dealer({ linger: 0 });
    raw.connect(full.endpoint);
    try {
      for (const id of [1, 2]) {
        await raw.send(jsonRequest(id, "sleep", { ms: 3000 }, 10_000));
      }
      // A third job coming back BUSY proves both slots are taken.
      await raw.send(jsonRequest(3, "sleep", { ms: 1 }, 10_000));
      const probe = decode(await raw.receive());
      expect(probe.ok && probe.message.type).toBe("BUSY");
      // Both look idle to the client: power of two choices sends one call to each, and the one
      // that lands on the full worker comes back BUSY and is retried on the free one.
      const replies = await Promise.all([1, 2].map(() => peers.call("echo", "sleep", sleepJob(50))));
      expect(replies.map((reply) => JSON.parse(Buffer.from(reply.payload).toString()).by)).toEqual([
        free.instanceId,
        free.instanceId,
      ]);
      expect(await metrics.getSingleMetricAsString("zmesh_peer_retries_total")).toContain('reason="busy"} 1');
    } finally {
      raw.close();
    }
  });

  it("gives up with BUSY when every instance is full", async () => {
    const { endpoint: mapperEndpoint } = group.add(
      await startMapperProcess({ HEARTBEAT_INTERVAL_MS: String(INTERVAL) }),
    );
    group.add(await startEchoWorker(mapperEndpoint, slotLimits));
    const peers = closeLater(new PeerClient({ mapperEndpoint }));
    await waitFor("one worker", () => peers.directory.instances("echo").length === 1);
    const calls = [1, 2, 3].map(() =>
      peers.call("echo", "sleep", sleepJob(300)).then(
        () => "ok",
        (error: MeshError) => error.code,
      ),
    );
    expect((await Promise.all(calls)).sort()).toEqual([CallFailure.BUSY, "ok", "ok"]);
  });
});
