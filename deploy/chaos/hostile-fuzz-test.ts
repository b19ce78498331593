import {
  encode,
  hostileRegisterMessages,
  processCost,
  receiveAnswers,
  type ServiceProcess,
  startEchoWorker,
  startMapperProcess,
  useCleanup,
} from "@zmesh/mesh/testing";
import { Dealer } from "zeromq";

// The long fuzz: 100,000 hostile messages (random bytes, and REGISTERs of the right shape carrying
// hostile values) to a live mapper and to a live worker. Every one is answered, nothing exits, and
// the next well-formed message is served as if nothing had happened.

const cleanup = useCleanup();
const MESSAGES = 100_000;

/** At most this many messages unanswered: past a socket's high-water mark ZeroMQ drops replies by design. */
const WINDOW = 500;

/** Sends every message on one DEALER, WINDOW at a time, and collects as many answers (a worker may batch them): their types, in order. */
async function answersTo(endpoint: string, messages: readonly Buffer[][]): Promise<string[]> {
  const socket = cleanup.closeLater(new Dealer({ linger: 0, receiveTimeout: 30_000 }));
  socket.connect(endpoint);
  const answers: string[] = [];
  let sent = 0;
  while (answers.length < messages.length) {
    while (sent < messages.length && sent - answers.length < WINDOW)
      await socket.send(messages[sent++] as Buffer[]);
    for (const reply of await receiveAnswers(socket))
      answers.push(reply.ok ? reply.message.type : "undecodable");
  }
  return answers;
}

function stillServing(process: ServiceProcess, rssBeforeMb: number): void {
  expect(process.running).toBe(true);
  // Nothing of the flood is kept: memory may grow with the directory, not with the message count.
  expect(processCost(process.pid).rssMb).toBeLessThan(rssBeforeMb + 200);
}

describe("100,000 hostile messages", () => {
  jest.setTimeout(300_000);
  const messages = hostileRegisterMessages(MESSAGES, 11);

  it("to a mapper: every one answered, and it keeps serving", async () => {
    const { mapper, endpoint } = cleanup.group.add(await startMapperProcess({ LOG_LEVEL: "info" }));
    const rssBefore = processCost(mapper.pid).rssMb;
    const answers = await answersTo(endpoint, messages);
    expect(answers).toHaveLength(MESSAGES);
    expect(answers.filter((type) => type !== "ACK" && type !== "ERROR")).toEqual([]);
    expect(await answersTo(endpoint, [encode("GET_PEERS", { id: 1 })])).toEqual(["PEERS"]);
    stillServing(mapper, rssBefore);
  });

  it("to a worker: every one refused with an ERROR, and the next job is served", async () => {
    const { endpoint: mapperEndpoint } = cleanup.group.add(await startMapperProcess());
    const { worker, endpoint } = cleanup.group.add(
      await startEchoWorker(mapperEndpoint, { LOG_LEVEL: "info" }),
    );
    const rssBefore = processCost(worker.pid).rssMb;
    const answers = await answersTo(endpoint, messages);
    expect(answers).toHaveLength(MESSAGES);
    expect(new Set(answers)).toEqual(new Set(["ERROR"]));
    const job = encode(
      "REQUEST",
      {
        id: 1,
        service: "echo",
        job: "echo",
        timeoutMs: 5000,
        traceId: "after-the-flood",
        contentType: "text/plain",
      },
      Buffer.from("still here"),
    );
    expect(await answersTo(endpoint, [job])).toEqual(["REPLY"]);
    stillServing(worker, rssBefore);
  });
});
