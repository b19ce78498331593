import {
  type DecodeResult,
  decodeEach,
  encodeForSend,
  MAX_BATCH_MESSAGES,
  MAX_BATCH_PAYLOAD_BYTES,
} from "../src/protocol/mod.js";
import { BatchWriter } from "../src/transport/batch-writer.js";
import { SocketWriter } from "../src/transport/socket-writer.js";

type Sent = (string | Buffer)[];

/** A socket that takes every send at once, as zeromq.js does with sendTimeout 0, or refuses them all. */
class RecordingSocket {
  readonly sent: Sent[] = [];
  refuse: Error | undefined;

  send(frames: Sent): Promise<void> {
    if (this.refuse) return Promise.reject(this.refuse);
    this.sent.push(frames);
    return Promise.resolve();
  }
}

const reply = (id: number) =>
  encodeForSend("REPLY", { id, contentType: "text/plain", durationMs: 1 }, Buffer.from(`r${id}`));

/** The ids a sent message carries, whether it is one message or a BATCH. */
function idsIn(frames: Sent): number[] {
  const ids: number[] = [];
  const asBuffers = frames.map((frame) => (typeof frame === "string" ? Buffer.from(frame) : frame));
  decodeEach(asBuffers, (result: DecodeResult) => {
    if (result.ok && result.message.type === "REPLY") ids.push(result.message.header.id);
  });
  return ids;
}

/** Lets this turn end (nextTick) and the writer's promise callbacks run. */
const turnEnds = () => new Promise((resolve) => setImmediate(resolve));

describe("batch writer", () => {
  let socket: RecordingSocket;
  let batches: BatchWriter;
  beforeEach(() => {
    socket = new RecordingSocket();
    batches = new BatchWriter(new SocketWriter(socket, () => {}));
  });

  it("sends a turn's first message at once, alone, and the rest of the turn as one BATCH after it", async () => {
    batches.post(reply(1));
    expect(socket.sent.map(idsIn)).toEqual([[1]]);
    for (let id = 2; id <= 5; id++) batches.post(reply(id));
    expect(socket.sent).toHaveLength(1);
    await turnEnds();
    expect(socket.sent.map(idsIn)).toEqual([[1], [2, 3, 4, 5]]);
    expect(socket.sent[1]).toHaveLength(1);
  });

  it("keeps each ROUTER peer's messages apart, each behind its identity frame", async () => {
    const [a, b] = [Buffer.from("peer-a"), Buffer.from("peer-b")];
    batches.post(reply(1), undefined, a);
    batches.post(reply(2), undefined, b);
    batches.post(reply(3), undefined, a);
    batches.post(reply(4), undefined, b);
    batches.post(reply(5), undefined, a);
    await turnEnds();
    // Peers' batches may leave in any order; each peer's messages keep theirs.
    const byPeer = socket.sent.map((frames) => [String(frames[0]), idsIn(frames.slice(1))]);
    expect(byPeer.sort()).toEqual([
      ["peer-a", [1]],
      ["peer-a", [3, 5]],
      ["peer-b", [2, 4]],
    ]);
  });

  it(`starts another batch past ${MAX_BATCH_MESSAGES} messages, keeping the order of the whole turn`, async () => {
    const count = 1 + 2 * MAX_BATCH_MESSAGES + 3;
    for (let id = 1; id <= count; id++) batches.post(reply(id));
    await turnEnds();
    const sizes = socket.sent.map((frames) => idsIn(frames).length);
    expect(sizes).toEqual([1, MAX_BATCH_MESSAGES, MAX_BATCH_MESSAGES, 3]);
    expect(socket.sent.flatMap(idsIn)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
  });

  it("tells every message of a refused batch its fate", async () => {
    const refused: number[] = [];
    batches.post(reply(1), () => refused.push(1));
    socket.refuse = new Error("EAGAIN");
    batches.post(reply(2), () => refused.push(2));
    batches.post(reply(3), () => refused.push(3));
    await turnEnds();
    expect(refused).toEqual([2, 3]);
    expect(socket.sent.map(idsIn)).toEqual([[1]]);
  });

  // These run inside a chain of microtasks, which ends before the turn's own flush (a nextTick) can
  // run: what they see sent, flush() and drained() sent.
  it("flush() hands what is queued to the socket without waiting for the turn to end", async () => {
    await Promise.resolve();
    batches.post(reply(1));
    batches.post(reply(2));
    batches.post(reply(3));
    batches.flush();
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(socket.sent.map(idsIn)).toEqual([[1], [2, 3]]);
  });

  it("drained() resolves once every peer's messages are with the socket, so it may close", async () => {
    await Promise.resolve();
    const peers = ["a", "b", "c"].map((name) => Buffer.from(name));
    let id = 0;
    for (const peer of peers) for (let i = 0; i < 2; i++) batches.post(reply(++id), undefined, peer);
    await batches.drained();
    expect(socket.sent.flatMap((frames) => idsIn(frames.slice(1))).sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("sends a payload too big to share a frame alone, after what was queued for that peer", async () => {
    const big = encodeForSend(
      "REPLY",
      { id: 3, contentType: "text/plain", durationMs: 1 },
      Buffer.alloc(MAX_BATCH_PAYLOAD_BYTES + 1),
    );
    batches.post(reply(1));
    batches.post(reply(2));
    batches.post(big);
    batches.post(reply(4));
    await turnEnds();
    expect(socket.sent.map(idsIn)).toEqual([[1], [2], [3], [4]]);
    expect(socket.sent[2]).toHaveLength(2);
  });
});
