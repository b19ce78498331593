import {
  type DecodeResult,
  decodeEach,
  ErrorCode,
  encodeBatch,
  encodeForSend,
  idOf,
  isBatch,
  MAX_BATCH_MESSAGES,
} from "../src/protocol/mod.js";

const request = (id: number, job = "echo") =>
  encodeForSend(
    "REQUEST",
    { id, service: "echo", job, timeoutMs: 500, traceId: "t-1", contentType: "text/plain" },
    Buffer.from(`payload ${id}`),
  );

function decodeAll(frames: Uint8Array[]): DecodeResult[] {
  const results: DecodeResult[] = [];
  decodeEach(frames, (result) => results.push(result));
  return results;
}

/** A BATCH frame built from the document's layout, not by encodeBatch. */
function handBuilt(entries: { head: Buffer; payload: Buffer }[]): Buffer {
  const parts: Buffer[] = [Buffer.from([0x5a, 0x4d, 0x01, 0x40])];
  for (const { head, payload } of entries) {
    const headLength = Buffer.alloc(4);
    headLength.writeUInt32BE(head.length);
    const payloadLength = Buffer.alloc(4);
    payloadLength.writeUInt32BE(payload.length);
    parts.push(headLength, head, payloadLength, payload);
  }
  return Buffer.concat(parts);
}
const entryOf = ([head, payload]: readonly [string, Buffer?]) => ({
  head: Buffer.from(head),
  payload: payload ?? Buffer.alloc(0),
});

describe("BATCH framing", () => {
  it("carries each message as it would travel alone, in order, payloads included", () => {
    const reply = encodeForSend("REPLY", { id: 3, contentType: "text/plain", durationMs: 1 });
    const frame = encodeBatch([request(1), request(2), reply]);
    expect(frame).toEqual(handBuilt([request(1), request(2), reply].map(entryOf)));
    expect(isBatch(frame)).toBe(true);

    const results = decodeAll([frame]);
    expect(results.map((r) => r.ok && [r.message.type, idOf(r.message)])).toEqual([
      ["REQUEST", 1],
      ["REQUEST", 2],
      ["REPLY", 3],
    ]);
    const first = results[0];
    expect(first?.ok && first.message.payload?.toString()).toBe("payload 1");
    // An empty payload is no payload, as for a message sent alone.
    const last = results[2];
    expect(last?.ok && last.message.payload).toBeUndefined();
  });

  it("holds a message that is not alone to the same checks: its own ERROR, the others still read", () => {
    const bad = encodeForSend("REQUEST", {
      id: 9,
      service: "Not A Service",
      job: "echo",
      timeoutMs: 500,
      traceId: "t",
      contentType: "",
    });
    const control = encodeForSend("HEARTBEAT", {
      id: 10,
      instanceId: "w-1",
      load: {
        inFlight: 0,
        queued: 0,
        capacity: 1,
        utilization: 0,
        jobs: {},
        latencyMs: 0,
        served: 0,
        refused: 0,
      },
    });
    const results = decodeAll([encodeBatch([request(1), bad, control, request(2)])]);
    expect(results).toEqual([
      expect.objectContaining({ ok: true }),
      expect.objectContaining({ ok: false, code: ErrorCode.MALFORMED, id: 9 }),
      expect.objectContaining({ ok: false, code: ErrorCode.UNEXPECTED_TYPE, id: 10 }),
      expect.objectContaining({ ok: true }),
    ]);
  });

  it.each([
    ["no messages", () => [handBuilt([])]],
    ["a length past the end", () => [handBuilt([entryOf(request(1))]).subarray(0, 30)]],
    ["bytes left over", () => [Buffer.concat([handBuilt([entryOf(request(1))]), Buffer.from([0])])]],
    ["a second frame", () => [handBuilt([entryOf(request(1))]), Buffer.from("x")]],
    [
      `more than ${MAX_BATCH_MESSAGES} messages`,
      () => [handBuilt(Array.from({ length: MAX_BATCH_MESSAGES + 1 }, (_, i) => entryOf(request(i))))],
    ],
  ])("refuses a BATCH with %s as one MALFORMED, reading none of it", (_what, frames) => {
    expect(decodeAll(frames())).toEqual([
      { ok: false, code: ErrorCode.MALFORMED, reason: expect.stringContaining("BATCH") },
    ]);
  });

  it("never nests: a BATCH inside a BATCH is UNEXPECTED_TYPE", () => {
    const inner = encodeBatch([request(1), request(2)]);
    const outer = handBuilt([{ head: inner, payload: Buffer.alloc(0) }]);
    expect(decodeAll([outer])).toEqual([
      expect.objectContaining({ ok: false, code: ErrorCode.UNEXPECTED_TYPE }),
    ]);
  });

  it("takes the largest batch a sender makes", () => {
    const messages = Array.from({ length: MAX_BATCH_MESSAGES }, (_, i) => request(i));
    const results = decodeAll([encodeBatch(messages)]);
    expect(results.filter((r) => r.ok)).toHaveLength(MAX_BATCH_MESSAGES);
  });
});
