import { ownBytes } from "../src/util/own-bytes.js";

describe("ownBytes (what a thread is sent)", () => {
  it("copies a view into a buffer of its own, so cloning it copies only its bytes", () => {
    const frame = Buffer.from("header one|payload one|header two|payload two");
    const view = frame.subarray(11, 22);
    const own = ownBytes(view);
    expect(own.buffer.byteLength).toBe(view.byteLength);
    expect(Buffer.from(own).toString()).toBe("payload one");
    expect(structuredClone(own).buffer.byteLength).toBe(11);
  });

  it("passes a payload that already owns its buffer as it is", () => {
    const alone = new Uint8Array([1, 2, 3]);
    expect(ownBytes(alone)).toBe(alone);
  });
});
