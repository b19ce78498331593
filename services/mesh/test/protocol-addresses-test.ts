import { decode, dialableEndpointProblem, encode, hostPortProblem } from "../src/protocol/mod.js";
import { sampleLoad } from "../testing/mod.js";

const dialable = [
  "tcp://127.0.0.1:5555",
  "tcp://10.0.3.7:1",
  "tcp://255.255.255.255:65535",
  "tcp://[::1]:7000",
  "tcp://[fd00::7:1]:7000",
  "tcp://image-worker:41234",
  "tcp://image-worker-3.zmesh-default:41234",
  `tcp://${"a".repeat(63)}.example.com:80`,
  `tcp://${Array.from({ length: 4 }, () => "b".repeat(62)).join(".")}:80`, // 251 characters
  "ipc:///tmp/zmesh/worker-1.sock",
  "ipc://@abstract-name",
  `ipc:///${"p".repeat(106)}`, // 107 bytes: the most sun_path holds
];

const undialable: [string, string][] = [
  ["tcp://x", "no port (what took the gateway down)"],
  ["tcp://x:", "empty port"],
  ["tcp://:5555", "empty host"],
  ["tcp://127.0.0.1:0", "port 0"],
  ["tcp://127.0.0.1:*", "wildcard port"],
  ["tcp://*:5555", "wildcard host"],
  ["tcp://127.0.0.1:65536", "port out of range"],
  ["tcp://127.0.0.1:099", "port with a leading zero"],
  ["tcp://127.0.0.1:-1", "negative port"],
  ["tcp://256.0.0.1:80", "IPv4 octet out of range"],
  ["tcp://1.2.3:80", "three octets"],
  ["tcp://::1:7000", "IPv6 without brackets"],
  ["tcp://[::g]:7000", "bad IPv6"],
  ["tcp://[::1:7000", "unclosed bracket"],
  ["tcp://-worker:80", "label starting with a hyphen"],
  ["tcp://worker-:80", "label ending with a hyphen"],
  ["tcp://a..b:80", "empty label"],
  [`tcp://${"a".repeat(64)}:80`, "label over 63 characters"],
  [`tcp://${Array.from({ length: 5 }, () => "b".repeat(60)).join(".")}:80`, "name over 253 characters"],
  ["tcp://host name:80", "space in the host"],
  ["tcp://worker_1:80", "underscore (not RFC 1123)"],
  ["tcp://ho\u0000st:80", "NUL in the host"],
  ["tcp://эндпоинт:80", "non-ASCII host"],
  ["tcp://10.0.0.1;10.0.0.2:80", "source-address syntax"],
  ["ipc://", "empty ipc path"],
  ["ipc://*", "ipc wildcard"],
  [`ipc:///${"p".repeat(107)}`, "ipc path of 108 bytes"],
  [`ipc:///${"é".repeat(54)}`, "ipc path over 107 bytes in UTF-8"],
  ["ipc:///tmp/a\nb", "control character in an ipc path"],
  ["inproc://worker", "inproc"],
  ["udp://127.0.0.1:80", "another transport"],
  ["", "empty"],
];

describe("dialableEndpointProblem", () => {
  it.each(dialable)("accepts %s", (endpoint) => {
    expect(dialableEndpointProblem(endpoint)).toBeUndefined();
  });

  it.each(undialable)("refuses %j (%s)", (endpoint) => {
    expect(dialableEndpointProblem(endpoint)).toEqual(expect.any(String));
  });
});

describe("hostPortProblem (metricsAddress)", () => {
  it.each(["127.0.0.1:9100", "[::1]:9100", "image-worker:9100"])("accepts %s", (address) => {
    expect(hostPortProblem(address)).toBeUndefined();
  });
  it.each(["127.0.0.1", "127.0.0.1:0", ":9100", "http://x:1", "x:1/metrics"])("refuses %s", (address) => {
    expect(hostPortProblem(address)).toEqual(expect.any(String));
  });
});

describe("REGISTER records are checked when decoded", () => {
  const register = (overrides: Record<string, unknown>) =>
    decode(
      encode("REGISTER", {
        id: 1,
        service: "echo",
        instanceId: "echo-1",
        endpoint: "tcp://127.0.0.1:7000",
        load: sampleLoad(),
        ...overrides,
      } as never),
    );
  const manyJobs = Object.fromEntries(
    Array.from({ length: 65 }, (_, i) => [`job-${i}`, { used: 0, slots: 1 }]),
  );

  it("takes a real record", () => {
    expect(register({ metricsAddress: "127.0.0.1:9100" }).ok).toBe(true);
  });

  it.each<[string, Record<string, unknown>]>([
    ["an undialable endpoint", { endpoint: "tcp://x" }],
    ["a huge endpoint", { endpoint: `ipc:///${"p".repeat(100_000)}` }],
    ["a bad metrics address", { metricsAddress: "127.0.0.1" }],
    ["65 job types", { load: sampleLoad({ jobs: manyJobs }) }],
    ["a job type with a bad name", { load: sampleLoad({ jobs: { "a b": { used: 0, slots: 1 } } }) }],
    ["utilization over 1", { load: sampleLoad({ utilization: 1e308 }) }],
    ["a negative counter", { load: sampleLoad({ served: -1 }) }],
    ["a counter past 2^53", { load: sampleLoad({ served: 2 ** 60 }) }],
    ["a capacity of 10^9", { load: sampleLoad({ capacity: 1e9 }) }],
    ["a latency of a day", { load: sampleLoad({ latencyMs: 86_400_000 }) }],
    ["a fractional slot count", { load: sampleLoad({ inFlight: 0.5 }) }],
  ])("refuses %s with MALFORMED", (_, overrides) => {
    const decoded = register(overrides);
    expect(decoded).toMatchObject({ ok: false, code: "MALFORMED", id: 1 });
  });

  it("refuses an infinite number (JSON 1e400)", () => {
    const frames = encode("REGISTER", {
      id: 1,
      service: "echo",
      instanceId: "echo-1",
      endpoint: "tcp://127.0.0.1:7000",
      load: sampleLoad(),
    });
    const head = frames[0] as Buffer;
    const text = head.subarray(4).toString().replace('"latencyMs":0', '"latencyMs":1e400');
    expect(decode([Buffer.concat([head.subarray(0, 4), Buffer.from(text)])])).toMatchObject({
      ok: false,
      code: "MALFORMED",
    });
  });
});
