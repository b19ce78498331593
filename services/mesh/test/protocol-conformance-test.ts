import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Dealer } from "zeromq";
import { DIRECTORY_PART_BYTES } from "../src/mapper/directory-parts.js";
import { type MapperServer, startMapper, startWorker, type WorkerRuntime } from "../src/mod.js";
import {
  BATCH_CODE,
  ErrorCode,
  headerSchemas,
  LOAD_LIMITS,
  MAX_BATCH_MESSAGES,
  MAX_BATCH_PAYLOAD_BYTES,
  MAX_IPC_PATH_BYTES,
  MAX_PAGE_INSTANCES,
  MAX_SNAPSHOT_PARTS,
  MessageType,
  PROTOCOL_VERSION,
} from "../src/protocol/mod.js";
import { sampleLoad } from "../testing/mod.js";

// docs/protocol.md is the contract: these tests read its tables and hold the code to them, and talk to
// a live mapper with frames built by hand from the document, not by the codec.

const doc = readFileSync(resolve(__dirname, "../../../docs/protocol.md"), "utf8");

function tableAfter(heading: string): string[][] {
  const section = doc.slice(doc.indexOf(heading));
  const lines = section.split("\n").filter((line) => line.startsWith("|"));
  const rows: string[][] = [];
  for (const line of lines.slice(2)) {
    rows.push(
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
    if (!section.includes(`${line}\n|`)) break;
  }
  return rows;
}

describe("docs/protocol.md", () => {
  const types = tableAfter("## Message types");

  it("lists every message type with the code the codec uses", () => {
    const documented = Object.fromEntries(types.map(([name, code]) => [name, Number(code)]));
    expect(documented).toEqual({ ...MessageType });
  });

  it("lists exactly the header fields each schema takes, optional ones with '?'", () => {
    for (const [name, , , fields] of types) {
      const schema = headerSchemas[name as keyof typeof headerSchemas];
      const expected = Object.entries(schema.shape).map(([field, type]) =>
        (type as { safeParse(v: unknown): { success: boolean } }).safeParse(undefined).success
          ? `${field}?`
          : field,
      );
      expect({ name, fields: fields?.split(", ").sort() }).toEqual({ name, fields: expected.sort() });
    }
  });

  it("lists every error code", () => {
    const documented = tableAfter("## Errors").map(([code]) => code);
    expect(documented.sort()).toEqual(Object.values(ErrorCode).sort());
  });

  it("states the bounds the code enforces", () => {
    expect(doc).toContain(`a path of at most ${MAX_IPC_PATH_BYTES} bytes`);
    expect(doc).toContain(`integers up to ${LOAD_LIMITS.maxSlots}`);
    expect(doc).toContain(`at most ${LOAD_LIMITS.maxJobTypes} job types`);
    expect(doc).toContain(`\`latencyMs\` is 0 to ${LOAD_LIMITS.maxLatencyMs}`);
    expect(doc).toContain(`\`limit\` (GET_PEERS): 1-${MAX_PAGE_INSTANCES} instances`);
    expect(doc).toContain(`\`parts\` is 2-${MAX_SNAPSHOT_PARTS}`);
    expect(doc).toContain(`at most ${DIRECTORY_PART_BYTES / 1024} KiB of records`);
    expect(doc).toContain(`A BATCH holds 1 to ${MAX_BATCH_MESSAGES} messages`);
    expect(doc).toContain(
      `past ${MAX_BATCH_MESSAGES} messages or ${MAX_BATCH_PAYLOAD_BYTES / 2 ** 20} MiB of payload`,
    );
    expect(doc).toContain(`\`0x${BATCH_CODE.toString(16)}\` (BATCH)`);
  });

  it("states the protocol version the code speaks", () => {
    expect(doc).toContain(`# The zmesh wire protocol, version ${PROTOCOL_VERSION}`);
  });
});

describe("a live mapper speaks the documented protocol", () => {
  let mapper: MapperServer;
  let socket: Dealer;
  beforeAll(async () => {
    mapper = await startMapper({ bind: "tcp://127.0.0.1:0", eventsBind: "tcp://127.0.0.1:0" });
    socket = new Dealer({ linger: 0, receiveTimeout: 2000 });
    socket.connect(mapper.endpoint);
  });
  afterAll(async () => {
    socket.close();
    await mapper.close();
  });

  const exchange = async (type: number, header: object) => {
    await socket.send(
      Buffer.concat([Buffer.from([0x5a, 0x4d, 0x01, type]), Buffer.from(JSON.stringify(header))]),
    );
    const [head] = await socket.receive();
    return {
      type: head?.[3],
      header: JSON.parse(head?.subarray(4).toString() ?? "") as Record<string, unknown>,
    };
  };
  const load = sampleLoad({ capacity: 2, jobs: { render: { used: 0, slots: 2 } } });

  it("REGISTER → ACK with the epoch, then GET_PEERS → PEERS listing the member", async () => {
    const ack = await exchange(0x01, {
      id: 1,
      service: "image-worker",
      instanceId: "w-1",
      endpoint: "tcp://127.0.0.1:9",
      load,
    });
    expect(ack).toEqual({ type: 0x10, header: { id: 1, epoch: mapper.epoch } });
    const peers = await exchange(0x04, { id: 2, service: "image-worker" });
    expect(peers.type).toBe(0x11);
    expect(peers.header).toMatchObject({
      id: 2,
      epoch: mapper.epoch,
      instances: [{ instanceId: "w-1", state: "passing" }],
    });
  });

  it("HEARTBEAT from a stranger → ERROR UNKNOWN_INSTANCE; DEREGISTER → ACK", async () => {
    const unknown = await exchange(0x02, { id: 3, instanceId: "stranger", load });
    expect(unknown).toMatchObject({ type: 0x7f, header: { id: 3, code: "UNKNOWN_INSTANCE" } });
    expect((await exchange(0x03, { id: 4, instanceId: "w-1" })).type).toBe(0x10);
  });

  it("REGISTER of an endpoint no one can dial → ERROR MALFORMED naming the field; nothing registered", async () => {
    const refused = await exchange(0x01, {
      id: 5,
      service: "image-worker",
      instanceId: "w-bad",
      endpoint: "tcp://x",
      load,
    });
    expect(refused).toMatchObject({ type: 0x7f, header: { id: 5, code: "MALFORMED" } });
    expect(String(refused.header.message)).toContain("endpoint");
    expect(mapper.instances().map((i) => i.instanceId)).not.toContain("w-bad");
  });

  it("GET_PEERS with a limit → PEERS pages in instance id order, each naming the next cursor", async () => {
    for (const [id, instanceId] of [
      [6, "p-2"],
      [7, "p-1"],
      [8, "p-3"],
    ] as const) {
      await exchange(0x01, { id, service: "paged", instanceId, endpoint: "tcp://127.0.0.1:9", load });
    }
    const first = await exchange(0x04, { id: 9, service: "paged", limit: 2 });
    expect(first.header).toMatchObject({
      instances: [{ instanceId: "p-1" }, { instanceId: "p-2" }],
      next: "p-2",
    });
    const second = await exchange(0x04, { id: 10, service: "paged", limit: 2, cursor: "p-2" });
    expect(second.header).toMatchObject({ instances: [{ instanceId: "p-3" }] });
    expect(second.header.next).toBeUndefined();
  });

  it("a BATCH → ERROR UNEXPECTED_TYPE: batches are for the data plane", async () => {
    const refused = await exchange(0x40, {});
    expect(refused).toMatchObject({ type: 0x7f, header: { code: "UNEXPECTED_TYPE" } });
  });
});

describe("a live worker reads the documented BATCH", () => {
  let mapper: MapperServer;
  let worker: WorkerRuntime;
  let socket: Dealer;
  beforeAll(async () => {
    mapper = await startMapper({ bind: "tcp://127.0.0.1:0", eventsBind: "tcp://127.0.0.1:0" });
    worker = await startWorker({
      service: "echo",
      mapperEndpoint: mapper.endpoint,
      jobs: { echo: { concurrency: 4, queueCapacity: 4, run: (request) => request } },
    });
    socket = new Dealer({ linger: 0, receiveTimeout: 2000 });
    socket.connect(worker.endpoint);
  });
  afterAll(async () => {
    socket.close();
    await worker.drain(1000);
    await mapper.close();
  });

  /** A BATCH frame as the document lays it out: each message's frame 0 and payload, length-prefixed. */
  const batchOf = (messages: { type: number; header: object; payload?: string }[]) => {
    const parts = [Buffer.from([0x5a, 0x4d, 0x01, 0x40])];
    for (const { type, header, payload = "" } of messages) {
      const head = Buffer.concat([
        Buffer.from([0x5a, 0x4d, 0x01, type]),
        Buffer.from(JSON.stringify(header)),
      ]);
      const body = Buffer.from(payload);
      for (const bytes of [head, body])
        parts.push(Buffer.from([0, 0, bytes.length >> 8, bytes.length & 0xff]), bytes);
    }
    return Buffer.concat(parts);
  };
  /** The answers to `count` messages, whether they come one by one or batched, by id. */
  const answers = async (count: number) => {
    const got: { type: number; header: Record<string, unknown>; payload: string }[] = [];
    while (got.length < count) {
      const [frame, payload] = (await socket.receive()) as Buffer[];
      if (frame?.[3] !== 0x40) {
        got.push({
          type: frame?.[3] ?? 0,
          header: JSON.parse(frame?.subarray(4).toString() ?? ""),
          payload: String(payload ?? ""),
        });
        continue;
      }
      for (let at = 4; at < frame.length; ) {
        const head = frame.subarray(at + 4, at + 4 + frame.readUInt32BE(at));
        at += 4 + head.length;
        const body = frame.subarray(at + 4, at + 4 + frame.readUInt32BE(at));
        at += 4 + body.length;
        got.push({
          type: head[3] ?? 0,
          header: JSON.parse(head.subarray(4).toString()),
          payload: String(body),
        });
      }
    }
    return got.sort((a, b) => Number(a.header.id ?? -1) - Number(b.header.id ?? -1));
  };
  const request = (id: number, job: string, payload: string) => ({
    type: 0x30,
    header: { id, service: "echo", job, timeoutMs: 1000, traceId: "t", contentType: "text/plain" },
    payload,
  });

  it("answers each message of a BATCH as if it had come alone", async () => {
    await socket.send(
      batchOf([request(1, "echo", "one"), request(2, "nope", ""), request(3, "echo", "three")]),
    );
    const got = await answers(3);
    expect(got).toEqual([
      expect.objectContaining({ type: 0x31, header: expect.objectContaining({ id: 1 }), payload: "one" }),
      expect.objectContaining({
        type: 0x7f,
        header: expect.objectContaining({ id: 2, code: "UNKNOWN_JOB" }),
      }),
      expect.objectContaining({ type: 0x31, header: expect.objectContaining({ id: 3 }), payload: "three" }),
    ]);
  });

  it("a BATCH whose lengths do not tile its frame → one ERROR MALFORMED, none of it served", async () => {
    const whole = batchOf([request(4, "echo", "four")]);
    await socket.send(whole.subarray(0, whole.length - 1));
    expect(await answers(1)).toEqual([
      expect.objectContaining({ type: 0x7f, header: expect.objectContaining({ code: "MALFORMED" }) }),
    ]);
    // The next answer is to the next request: nothing of the broken batch ran.
    await socket.send(batchOf([request(5, "echo", "five")]));
    expect(await answers(1)).toEqual([
      expect.objectContaining({ header: expect.objectContaining({ id: 5 }) }),
    ]);
  });
});
