import { Dealer } from "zeromq";
import { decode, encode, type Headers } from "../src/protocol/mod.js";
import { sampleLoad } from "./fixtures.js";

/** A REGISTER for fake member `index` of `service`: a valid record with a dialable endpoint. */
export function fakeRegistration(index: number, service = "image-worker"): Omit<Headers["REGISTER"], "id"> {
  return {
    service,
    instanceId: `${service}-fake-${String(index).padStart(5, "0")}`,
    endpoint: `tcp://127.0.0.1:${20_000 + (index % 40_000)}`,
    metricsAddress: `127.0.0.1:${20_000 + (index % 40_000)}`,
    load: sampleLoad({ utilization: (index % 10) / 10, jobs: { render: { used: index % 10, slots: 10 } } }),
  };
}

/**
 * Sends `records` as REGISTERs from one DEALER, pipelined, and returns the answer to each, in
 * order: the ACK's type or the ERROR's code.
 */
export async function registerAll(
  mapperEndpoint: string,
  records: readonly Omit<Headers["REGISTER"], "id">[],
): Promise<string[]> {
  const socket = new Dealer({ linger: 0, receiveTimeout: 10_000, sendHighWaterMark: 100_000 });
  socket.connect(mapperEndpoint);
  const answers = new Array<string>(records.length);
  try {
    const receiving = (async () => {
      for (let received = 0; received < records.length; received++) {
        const reply = decode(await socket.receive());
        if (!reply.ok) throw new Error(`undecodable answer: ${reply.reason}`);
        const { type, header } = reply.message;
        const id = "id" in header ? (header.id ?? 0) : 0;
        answers[id] = type === "ERROR" && "code" in header ? header.code : type;
      }
    })();
    for (const [id, record] of records.entries()) await socket.send(encode("REGISTER", { ...record, id }));
    await receiving;
    return answers;
  } finally {
    socket.close();
  }
}
