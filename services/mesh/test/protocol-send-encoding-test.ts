import { decode, encode, encodeForSend } from "../src/protocol/codec.js";
import { MessageType, type MessageTypeName } from "../src/protocol/message-types.js";

const request = {
  id: 42,
  service: "echo",
  job: "echo",
  timeoutMs: 5000,
  traceId: "trace-é-✓", // not ASCII: the header's UTF-8 must come out the same
  contentType: "application/octet-stream",
};

describe("encodeForSend (header frame as text)", () => {
  it("puts the same bytes on the wire as encode, for every message type", () => {
    const payload = Buffer.from("payload");
    for (const type of Object.keys(MessageType) as MessageTypeName[]) {
      const asBuffers = encode(type, request as never, payload);
      const asText = encodeForSend(type, request as never, payload);
      expect(asText.length).toBe(asBuffers.length);
      expect(Buffer.from(asText[0], "utf8").equals(asBuffers[0] as Buffer)).toBe(true);
      if (asText[1]) expect(asText[1].equals(asBuffers[1] as Buffer)).toBe(true);
    }
  });

  it("decodes back to the message sent", () => {
    const [head, payload] = encodeForSend("REQUEST", request, Buffer.from("hi"));
    const decoded = decode([Buffer.from(head, "utf8"), payload as Buffer]);
    expect(decoded).toEqual({
      ok: true,
      message: { type: "REQUEST", header: request, payload: Buffer.from("hi") },
    });
  });
});
