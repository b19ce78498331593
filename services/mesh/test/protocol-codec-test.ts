import {
  decode,
  defaultLimits,
  ErrorCode,
  encode,
  MessageType,
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

describe("codec", () => {
  it("round-trips every message type", () => {
    const samples = [
      encode("REGISTER", {
        id: 1,
        service: "echo",
        instanceId: "echo-1",
        endpoint: "tcp://127.0.0.1:7000",
        load,
      }),
      encode("HEARTBEAT", { id: 2, instanceId: "echo-1", load }),
      encode("DEREGISTER", { id: 3, instanceId: "echo-1" }),
      encode("GET_PEERS", { id: 4, service: "echo" }),
      encode("ACK", { id: 5, epoch: "e1" }),
      encode("BUSY", { id: 6, load }),
      encode("ERROR", { id: 8, code: ErrorCode.JOB_FAILED, message: "boom" }),
    ];
    for (const frames of samples) {
      const decoded = decode(frames);
      expect(decoded.ok).toBe(true);
      if (decoded.ok) expect(encode(decoded.message.type, decoded.message.header as never)).toEqual(frames);
    }
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
