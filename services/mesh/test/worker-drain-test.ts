import { Dealer } from "zeromq";
import { decode, type Message } from "../src/protocol/mod.js";
import {
  jsonRequest,
  receiveAnswerCount,
  startEchoWorker,
  startMapperProcess,
  useCleanup,
  waitFor,
} from "../testing/mod.js";

const { group } = useCleanup();

describe("worker drain on SIGTERM", () => {
  it("deregisters, refuses new work with BUSY, finishes jobs in flight, and exits 0", async () => {
    const { mapper, endpoint: mapperEndpoint } = group.add(await startMapperProcess());
    const { worker, endpoint, instanceId } = group.add(
      await startEchoWorker(mapperEndpoint, {
        SLEEP_CONCURRENCY: "3",
        SLEEP_QUEUE: "0",
        DRAIN_TIMEOUT_MS: "5000",
      }),
    );
    await worker.waitForLog("registered");
    const raw = new Dealer({ linger: 0, receiveTimeout: 5000 });
    raw.connect(endpoint);
    const request = (id: number, ms: number) => raw.send(jsonRequest(id, "sleep", { ms }, 10_000));
    try {
      for (const id of [1, 2, 3]) await request(id, 800);
      // Wait for the worker to hold all three (the next one is refused), then ask it to stop.
      await request(4, 1);
      const refused = decode(await raw.receive());
      expect(refused.ok && refused.message.type).toBe("BUSY");
      worker.kill("SIGTERM");
      await worker.waitForLog("draining");
      await request(5, 1);

      const replies: Message[] = [];
      for (const decoded of await receiveAnswerCount(raw, 4)) if (decoded.ok) replies.push(decoded.message);
      const byId = new Map(replies.map((m) => ["id" in m.header ? m.header.id : -1, m.type]));
      expect(byId).toEqual(
        new Map([
          [5, "BUSY"],
          [1, "REPLY"],
          [2, "REPLY"],
          [3, "REPLY"],
        ]),
      );
    } finally {
      raw.close();
    }
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    const deregistered = await waitFor("the mapper to log the deregistration", () =>
      mapper.logs.find((l) => l.message === "instance deregistered"),
    );
    expect(deregistered.member).toBe(instanceId);
    // The worker heard the mapper's ACK before it exited: DEREGISTER went first, not a guess.
    expect(worker.logs.some((l) => l.message === "deregistered")).toBe(true);
    expect(mapper.logs.some((l) => l.message === "instance expired")).toBe(false);
  });

  it("exits 0 even when jobs outlast the drain deadline", async () => {
    const { endpoint: mapperEndpoint } = group.add(await startMapperProcess());
    const { worker, endpoint } = group.add(
      await startEchoWorker(mapperEndpoint, { DRAIN_TIMEOUT_MS: "300", SLEEP_QUEUE: "0" }),
    );
    await worker.waitForLog("registered");
    const raw = new Dealer({ linger: 0, receiveTimeout: 5000 });
    raw.connect(endpoint);
    const sleep = (id: number, ms: number) => raw.send(jsonRequest(id, "sleep", { ms }, 60_000));
    await sleep(1, 30_000);
    await sleep(2, 1);
    const probe = decode(await raw.receive());
    expect(probe.ok && probe.message.type).toBe("BUSY"); // so job 1 is in flight
    const started = Date.now();
    worker.kill("SIGTERM");
    expect((await worker.exited).code).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    await worker.waitForLog("drain deadline passed with jobs unfinished");
    raw.close();
  });
});
