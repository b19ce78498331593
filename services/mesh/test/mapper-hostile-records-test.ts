import { Dealer } from "zeromq";
import { MapperClient } from "../src/mod.js";
import { decode, dialableEndpointProblem, encode, hostPortProblem } from "../src/protocol/mod.js";
import { hostileRegisterMessages, startMapperProcess, useCleanup } from "../testing/mod.js";

// The random-bytes fuzz of protocol-codec-test.ts, taken to a live mapper and to records that are
// well-formed JSON of the right shape but carry hostile values: every message must be answered, the
// answer must be the codec's verdict, and only records peers can use may enter the directory.

const { group, closeLater } = useCleanup();
const MESSAGES = 5000;

describe("a mapper sent hostile records", () => {
  jest.setTimeout(60_000);

  it("answers every one with the codec's verdict, lets only usable records in, and keeps serving", async () => {
    const { mapper, endpoint } = group.add(await startMapperProcess());
    const socket = closeLater(new Dealer({ linger: 0, receiveTimeout: 10_000 }));
    socket.connect(endpoint);
    const messages = hostileRegisterMessages(MESSAGES);
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
