import {
  decode,
  defaultLimits,
  ErrorCode,
  encode,
  type Headers,
  headerSchemas,
  type InstanceRecord,
  MessageType,
  type MessageTypeName,
  PROTOCOL_VERSION,
} from "../src/protocol/mod.js";
import { sampleLoad } from "../testing/mod.js";

const load = sampleLoad({
  inFlight: 1,
  queued: 2,
  capacity: 8,
  utilization: 0.375,
  jobs: { render: { used: 3, slots: 8 } },
  latencyMs: 4.2,
  served: 120,
  refused: 3,
});
const request = {
  id: 7,
  service: "image-worker",
  job: "render",
  timeoutMs: 500,
  traceId: "t-1",
  contentType: "image/jpeg",
};

/** A CURVE public key and a proof as a member sends them (Z85, and HMAC-SHA256 in base64url). */
const PUBLIC_KEY = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
const PROOF = "n4bQgYhMfWWaL-qB6P4a1yQlYfG2Dq6bNwW0ZdQHcXk";

const instance: InstanceRecord = {
  service: "echo",
  instanceId: "echo-1",
  endpoint: "tcp://127.0.0.1:7000",
  metricsAddress: "127.0.0.1:9100",
  publicKey: PUBLIC_KEY,
  load,
  state: "passing",
  registeredAt: 1_700_000_000_000,
  silentForMs: 12,
};

/**
 * One header per message type, every optional field set, so each field of each schema goes through
 * the codec. Typed by message type: a new type added to the schema table without a sample here does
 * not compile, and the test below fails.
 */
const samples: { [K in MessageTypeName]: Headers[K] } = {
  REGISTER: {
    id: 1,
    service: "echo",
    instanceId: "echo-1",
    endpoint: "tcp://127.0.0.1:7000",
    metricsAddress: "127.0.0.1:9100",
    load,
    publicKey: PUBLIC_KEY,
    proof: PROOF,
  },
  HEARTBEAT: { id: 2, instanceId: "echo-1", load, proof: PROOF },
  DEREGISTER: { id: 3, instanceId: "echo-1", proof: PROOF },
  GET_PEERS: { id: 4, service: "echo", cursor: "echo-0", limit: 100 },
  ACK: { id: 5, epoch: "e1" },
  PEERS: {
    id: 9,
    epoch: "e1",
    eventsPort: 5556,
    eventsEndpoint: "ipc:///tmp/zmesh-events.sock",
    instances: [instance],
    next: "echo-1",
  },
  SNAPSHOT: { epoch: "e1", seq: 4, partial: true, instances: [instance], part: 1, parts: 3 },
  CHANGE: { epoch: "e1", seq: 5, kind: "state", instance: { ...instance, state: "critical" } },
  REQUEST: request,
  REPLY: { id: 7, contentType: "image/jpeg", durationMs: 3.5 },
  BUSY: { id: 6, load },
  ERROR: { id: 8, code: ErrorCode.JOB_FAILED, message: "boom" },
};
const typeNames = Object.keys(headerSchemas) as MessageTypeName[];

describe("codec", () => {
  it("has a sample header for every message type in the schema table, and a code for each", () => {
    expect(Object.keys(samples).sort()).toEqual([...typeNames].sort());
    expect(Object.keys(MessageType).sort()).toEqual([...typeNames].sort());
  });

  it.each(typeNames)("round-trips %s with every field of its schema", (type) => {
    const header = samples[type];
    expect(Object.keys(header).sort()).toEqual(Object.keys(headerSchemas[type].shape).sort());
    const frames = encode(type, header as never);
    const decoded = decode(frames);
    expect(decoded).toEqual({ ok: true, message: { type, header } });
    if (decoded.ok) expect(encode(decoded.message.type, decoded.message.header as never)).toEqual(frames);
  });

  it("carries binary payloads as raw bytes, not base64", () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01, 0xfe, 0xff, 0xd9]);
    const frames = encode("REQUEST", request, jpeg);
    expect(frames).toHaveLength(2);
    expect(frames[1]).toEqual(jpeg);
    const decoded = decode(frames);
    expect(decoded.ok && decoded.message.payload).toEqual(jpeg);
  });

  it("starts the first frame with magic, version and type, then the JSON header; no frame for an empty payload", () => {
    const frames = encode("REPLY", { id: 1, contentType: "x", durationMs: 1 }, Buffer.alloc(0));
    expect(frames).toHaveLength(1);
    const head = frames[0] as Buffer;
    expect([...head.subarray(0, 4)]).toEqual([0x5a, 0x4d, PROTOCOL_VERSION, MessageType.REPLY]);
    expect(JSON.parse(head.subarray(4).toString())).toEqual({ id: 1, contentType: "x", durationMs: 1 });
  });
});

describe("codec refuses malformed input with a reason", () => {
  const frame = (type: number, header: unknown, version = PROTOCOL_VERSION) =>
    Buffer.concat([
      Buffer.from([0x5a, 0x4d, version, type]),
      Buffer.from(typeof header === "string" ? header : JSON.stringify(header)),
    ]);
  const R = MessageType.REQUEST;
  const cases: [string, Buffer[], string, number?][] = [
    ["no frames", [], ErrorCode.MALFORMED],
    ["signature only", [Buffer.from([0x5a, 0x4d, PROTOCOL_VERSION, R])], ErrorCode.MALFORMED],
    ["bad magic", [Buffer.from(`HTTP${JSON.stringify(request)}`)], ErrorCode.MALFORMED],
    ["short signature", [Buffer.from([0x5a, 0x4d])], ErrorCode.MALFORMED],
    ["future version", [frame(R, request, 9)], ErrorCode.UNSUPPORTED_VERSION],
    ["unknown type", [frame(0x55, request)], ErrorCode.UNKNOWN_TYPE],
    ["header not JSON", [frame(R, "{nope")], ErrorCode.MALFORMED],
    ["header not an object", [frame(R, 42)], ErrorCode.MALFORMED],
    ["missing field", [frame(R, { ...request, job: undefined })], ErrorCode.MALFORMED, 7],
    ["wrong field type", [frame(R, { ...request, timeoutMs: "soon" })], ErrorCode.MALFORMED, 7],
    ["bad service name", [frame(R, { ...request, service: "Bad Name" })], ErrorCode.MALFORMED, 7],
    [
      "payload on a control message",
      [frame(MessageType.ACK, { id: 3, epoch: "e" }), Buffer.from("x")],
      ErrorCode.MALFORMED,
      3,
    ],
    ["too many frames", [frame(R, request), Buffer.alloc(1), Buffer.alloc(1)], ErrorCode.MALFORMED, 7],
    [
      "PEERS naming no events socket",
      [frame(MessageType.PEERS, { id: 2, epoch: "e", instances: [] })],
      ErrorCode.MALFORMED,
      2,
    ],
    [
      "PEERS with an events endpoint no one can dial",
      [frame(MessageType.PEERS, { id: 2, epoch: "e", eventsEndpoint: "inproc://events", instances: [] })],
      ErrorCode.MALFORMED,
      2,
    ],
  ];
  it.each(cases)("%s", (...[, frames, code, id]) => {
    const decoded = decode(frames);
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.code).toBe(code);
    expect(decoded.reason.length).toBeGreaterThan(5);
    expect(decoded.id).toBe(id);
  });

  it("refuses oversized headers and payloads before parsing them", () => {
    const limits = { ...defaultLimits, maxHeaderBytes: 64, maxPayloadBytes: 16 };
    const bigHeader = decode([frame(MessageType.REQUEST, { ...request, traceId: "x".repeat(100) })], limits);
    expect(!bigHeader.ok && bigHeader.code).toBe(ErrorCode.TOO_LARGE);
    const bigPayload = decode(encode("REQUEST", request, Buffer.alloc(17)), limits);
    expect(!bigPayload.ok && bigPayload.code).toBe(ErrorCode.TOO_LARGE);
  });

  it("never throws on random bytes", () => {
    let seed = 1;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 2000; i++) {
      const frames = Array.from({ length: random() % 4 }, () =>
        Buffer.from(Array.from({ length: random() % 40 }, () => random() & 0xff)),
      );
      if (i % 3 === 0 && frames[0])
        frames[0] = Buffer.concat([Buffer.from([0x5a, 0x4d, 1, random() % 0x80]), frames[0]]);
      expect(() => decode(frames)).not.toThrow();
    }
  });
});
