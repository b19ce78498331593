import { fakeRegistration } from "./mapper-registrations.js";

// Messages an outsider could send a mapper: REGISTERs that are well-formed JSON of the right shape but
// carry hostile values (endpoints, sizes, numbers), and now and then random bytes. Seeded: the same
// count gives the same messages, so a failure can be replayed.

/**
 * `count` hostile REGISTER messages (frames as a DEALER sends them), from `seed`.
 *
 * @example
 * for (const frames of hostileRegisterMessages(100_000)) await socket.send(frames);
 */
export function hostileRegisterMessages(count: number, seed = 7): Buffer[][] {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state;
  };
  return Array.from({ length: count }, (_, id) => hostileMessage(id, random));
}

const pick = <T>(values: readonly T[], random: () => number): T => values[random() % values.length] as T;

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

function hostileMessage(id: number, random: () => number): Buffer[] {
  if (id % 5 === 0) {
    const bytes = Buffer.from(Array.from({ length: random() % 60 }, () => random() & 0xff));
    return [id % 10 === 0 ? Buffer.concat([Buffer.from([0x5a, 0x4d, 1, 0x01]), bytes]) : bytes];
  }
  const record = fakeRegistration(id) as unknown as Record<string, unknown>;
  const load = { ...(record.load as Record<string, unknown>) };
  for (let n = 1 + (random() % 3); n > 0; n--) {
    const field = pick(Object.keys(hostile), random);
    const value = pick(hostile[field] ?? [], random);
    if (loadFields.has(field)) load[field] = value;
    else record[field] = value;
  }
  const header = Buffer.from(JSON.stringify({ ...record, load, id }));
  return [Buffer.concat([Buffer.from([0x5a, 0x4d, 1, 0x01]), header])];
}
