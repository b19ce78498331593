import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "prom-client";
import { type MapperServer, startMapper, startWorker, type WorkerRuntime } from "../src/mod.js";
import { decode, encode } from "../src/protocol/mod.js";
import { DealerChannel } from "../src/transport/dealer-channel.js";

// The same runtime over every transport a deployment may choose for the data plane.
const transports = [
  ["tcp", () => "tcp://127.0.0.1:0"],
  ["ipc", () => `ipc://${join(tmpdir(), `zmesh-test-${process.pid}-${Date.now()}.sock`)}`],
] as const;

describe.each(transports)("worker runtime over %s", (_name, bind) => {
  let mapper: MapperServer;
  let worker: WorkerRuntime;
  let channel: DealerChannel;
  const metrics = new Registry();

  beforeAll(async () => {
    mapper = await startMapper({ bind: "tcp://127.0.0.1:0", eventsBind: "tcp://127.0.0.1:0", metrics });
    worker = await startWorker({
      service: "echo",
      mapperEndpoint: mapper.endpoint,
      bind: bind(),
      metrics,
      jobs: {
        echo: {
          concurrency: 4,
          queueCapacity: 4,
          run: ({ payload, contentType }) => ({ payload, contentType }),
        },
        fail: { concurrency: 1, queueCapacity: 1, run: () => Promise.reject(new Error("renderer exploded")) },
      },
    });
    await worker.registered;
    channel = new DealerChannel(worker.endpoint, { onMalformed: () => {} });
  });

  afterAll(async () => {
    channel.close();
    await worker.drain(1000);
    await mapper.close();
  });

  const request = (job: string, payload: Uint8Array) =>
    channel.request(
      "REQUEST",
      { service: "echo", job, timeoutMs: 1000, traceId: "t", contentType: "application/octet-stream" },
      1000,
      payload,
    );

  it("registers its real endpoint with the mapper", () => {
    const [listed] = mapper.instances("echo");
    expect(listed?.endpoint).toBe(worker.endpoint);
    expect(worker.endpoint.startsWith(_name)).toBe(true);
  });

  it("returns binary payloads byte for byte", async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 256));
    const reply = await request("echo", bytes);
    expect(reply.type).toBe("REPLY");
    expect(Buffer.compare(Buffer.from(reply.payload ?? []), bytes)).toBe(0);
  });

  it("answers a failing job and an unknown job with ERROR", async () => {
    const failed = await request("fail", Buffer.alloc(0));
    expect(failed.type === "ERROR" && failed.header).toMatchObject({
      code: "JOB_FAILED",
      message: "renderer exploded",
    });
    const unknown = await request("nope", Buffer.alloc(0));
    expect(unknown.type === "ERROR" && unknown.header.code).toBe("UNKNOWN_JOB");
  });

  it("survives malformed frames and keeps serving", async () => {
    const { Dealer } = await import("zeromq");
    const raw = new Dealer({ linger: 0, receiveTimeout: 2000 });
    raw.connect(worker.endpoint);
    try {
      await raw.send(Buffer.from('ZM\x01\x30{"id": 3, "service": 7}'));
      const reply = decode(await raw.receive());
      expect(reply.ok && reply.message.type === "ERROR" && reply.message.header).toMatchObject({
        id: 3,
        code: "MALFORMED",
      });
      await raw.send(encode("ACK", { id: 4, epoch: "x" }));
      const unexpected = decode(await raw.receive());
      expect(unexpected.ok && unexpected.message.type === "ERROR" && unexpected.message.header.code).toBe(
        "UNEXPECTED_TYPE",
      );
    } finally {
      raw.close();
    }
    expect((await request("echo", Buffer.from("still here"))).type).toBe("REPLY");
    expect(await metrics.getSingleMetricAsString("zmesh_malformed_messages_total")).toContain(
      'socket="worker",reason="MALFORMED"',
    );
  });
});
