import {
  decode,
  defaultLimits,
  ErrorCode,
  encode,
  MessageType,
  PROTOCOL_VERSION,
} from "../src/protocol/mod.js";

const load = {
  inFlight: 1,
  queued: 2,
  capacity: 8,
  utilization: 0.375,
  jobs: { render: { used: 3, slots: 8 } },
  latencyMs: 4.2,
};
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
    expect(frames).toHaveLength(3);
    expect(frames[2]).toEqual(jpeg);
    const decoded = decode(frames);
    expect(decoded.ok && decoded.message.payload).toEqual(jpeg);
  });

  it("puts magic, version and type in the signature frame", () => {
    const [signature] = encode("REPLY", { id: 1, contentType: "x", durationMs: 1 }, Buffer.alloc(0));
    expect([...(signature as Buffer)]).toEqual([0x5a, 0x4d, PROTOCOL_VERSION, MessageType.REPLY]);
  });
});

describe("codec refuses malformed input with a reason", () => {
  const header = (value: unknown) => Buffer.from(JSON.stringify(value));
  const signature = (type: number, version = PROTOCOL_VERSION) => Buffer.from([0x5a, 0x4d, version, type]);
  const cases: [string, Buffer[], string, number?][] = [
    ["no frames", [], ErrorCode.MALFORMED],
    ["one frame", [signature(MessageType.REQUEST)], ErrorCode.MALFORMED],
    ["bad magic", [Buffer.from("HTTP"), header(request)], ErrorCode.MALFORMED],
    ["short signature", [Buffer.from([0x5a, 0x4d]), header(request)], ErrorCode.MALFORMED],
    ["future version", [signature(MessageType.REQUEST, 9), header(request)], ErrorCode.UNSUPPORTED_VERSION],
    ["unknown type", [signature(0x55), header(request)], ErrorCode.UNKNOWN_TYPE],
    ["header not JSON", [signature(MessageType.REQUEST), Buffer.from("{nope")], ErrorCode.MALFORMED],
    ["header not an object", [signature(MessageType.REQUEST), header(42)], ErrorCode.MALFORMED],
    [
      "missing field",
      [signature(MessageType.REQUEST), header({ ...request, job: undefined })],
      ErrorCode.MALFORMED,
      7,
    ],
    [
      "wrong field type",
      [signature(MessageType.REQUEST), header({ ...request, timeoutMs: "soon" })],
      ErrorCode.MALFORMED,
      7,
    ],
    [
      "bad service name",
      [signature(MessageType.REQUEST), header({ ...request, service: "Bad Name" })],
      ErrorCode.MALFORMED,
      7,
    ],
    [
      "payload on a control message",
      [signature(MessageType.ACK), header({ id: 3, epoch: "e" }), Buffer.from("x")],
      ErrorCode.MALFORMED,
      3,
    ],
    [
      "too many frames",
      [signature(MessageType.REQUEST), header(request), Buffer.alloc(1), Buffer.alloc(1)],
      ErrorCode.MALFORMED,
      7,
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
    const bigHeader = decode(
      [signature(MessageType.REQUEST), header({ ...request, traceId: "x".repeat(100) })],
      limits,
    );
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
      if (i % 3 === 0 && frames[0]) frames[0] = signature(random() % 0x80);
      expect(() => decode(frames)).not.toThrow();
    }
  });
});
