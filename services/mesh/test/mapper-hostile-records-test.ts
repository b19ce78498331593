import { Dealer } from "zeromq";
import { MapperClient } from "../src/mod.js";
import { decode, dialableEndpointProblem, encode, hostPortProblem } from "../src/protocol/mod.js";
import { fakeRegistration, startMapperProcess, useCleanup } from "../testing/mod.js";

// The random-bytes fuzz of protocol-codec-test.ts, taken to a live mapper and to records that are
// well-formed JSON of the right shape but carry hostile values: every message must be answered, the
// answer must be the codec's verdict, and only records peers can use may enter the directory.

const { group, closeLater } = useCleanup();
const MESSAGES = 5000;

let seed = 7;
const random = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed;
};
const pick = <T>(values: readonly T[]): T => values[random() % values.length] as T;

const hostile: Record<string, readonly unknown[]> = {
  endpoint: [
    "tcp://x",
    "tcp://127.0.0.1:0",
    "tcp://127.0.0.1:*",
    "tcp://*:5555",
    "tcp://[::1]:99999",
    "tcp://::1:80",
    "inproc://worker",
    `ipc:///${"p".repeat(200)}`,
    `tcp://${"a".repeat(5000)}:1`,
    "tcp://127.0.0.1:80\u0000",
    "ipc://\n",
    "",
    42,
    null,
    "tcp://10.0.0.1:7000",
    "tcp://worker.local:7000",
    "ipc:///tmp/ok.sock",
  ],
  metricsAddress: ["x", "1.2.3.4:0", ":80", "a".repeat(400), 9100, "127.0.0.1:9100"],
  instanceId: ["", "a".repeat(129), "a b", "ünïcode", "ok-1", 7],
  service: ["Image", "-x", "a".repeat(64), "", "fine"],
  inFlight: [-1, 0.5, 1e308, 2 ** 60, 1_000_001, "1", null, 3],
  capacity: [0, -5, 1e9, 4],
  utilization: [-0.1, 1.01, 1e308, "0.5", 0.5],
  latencyMs: [-1, 3_600_001, 1e308, 12.5],
  served: [-1, 2 ** 53, 1.5, Number.MAX_SAFE_INTEGER],
  jobs: [
    Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`j${i}`, { used: 0, slots: 1 }])),
    { "": { used: 0, slots: 1 } },
    { "a/b": { used: 0, slots: 1 } },
    { x: { used: -1, slots: 1 } },
    { x: { used: 0, slots: 0 } },
    { x: [] },
    [],
    { render: { used: 1, slots: 4 } },
  ],
};
const loadFields = new Set(["inFlight", "capacity", "utilization", "latencyMs", "served", "jobs"]);

/** A REGISTER with one to three fields replaced by hostile values, or now and then random bytes. */
function hostileMessage(id: number): Buffer[] {
  if (id % 5 === 0) {
    const bytes = Buffer.from(Array.from({ length: random() % 60 }, () => random() & 0xff));
    return [id % 10 === 0 ? Buffer.concat([Buffer.from([0x5a, 0x4d, 1, 0x01]), bytes]) : bytes];
  }
  const record = fakeRegistration(id) as unknown as Record<string, unknown>;
  const load = { ...(record.load as Record<string, unknown>) };
  for (let n = 1 + (random() % 3); n > 0; n--) {
    const field = pick(Object.keys(hostile));
    const value = pick(hostile[field] ?? []);
    if (loadFields.has(field)) load[field] = value;
    else record[field] = value;
  }
  const header = Buffer.from(JSON.stringify({ ...record, load, id }));
  return [Buffer.concat([Buffer.from([0x5a, 0x4d, 1, 0x01]), header])];
}

describe("a mapper sent hostile records", () => {
  jest.setTimeout(60_000);

  it("answers every one with the codec's verdict, lets only usable records in, and keeps serving", async () => {
    const { mapper, endpoint } = group.add(await startMapperProcess());
    const socket = closeLater(new Dealer({ linger: 0, receiveTimeout: 10_000 }));
    socket.connect(endpoint);
    const messages = Array.from({ length: MESSAGES }, (_, id) => hostileMessage(id));
    const expectedAcks = messages.filter((frames) => decode(frames).ok).length;
    const receiving = (async () => {
      const answers: string[] = [];
      while (answers.length < MESSAGES) {
        const reply = decode(await socket.receive());
        answers.push(reply.ok ? reply.message.type : "undecodable");
      }
      return answers;
    })();
    for (const frames of messages) await socket.send(frames);
    const answers = await receiving;

    expect(answers).toHaveLength(MESSAGES);
    expect(answers.filter((type) => type === "ACK")).toHaveLength(expectedAcks);
    expect(answers.filter((type) => type === "ERROR")).toHaveLength(MESSAGES - expectedAcks);
    expect(expectedAcks).toBeGreaterThan(50); // some hostile picks are valid values: both paths are taken

    const directory = await closeLater(new MapperClient(endpoint)).list();
    expect(directory.length).toBeGreaterThan(0);
    expect(directory.some((record) => record.metricsAddress !== undefined)).toBe(true);
    for (const record of directory) {
      expect(dialableEndpointProblem(record.endpoint)).toBeUndefined();
      if (record.metricsAddress !== undefined) expect(hostPortProblem(record.metricsAddress)).toBeUndefined();
    }
    await socket.send(encode("GET_PEERS", { id: 1 }));
    expect(decode(await socket.receive())).toMatchObject({ ok: true, message: { type: "PEERS" } });
    expect(mapper.running).toBe(true);
  });
});
