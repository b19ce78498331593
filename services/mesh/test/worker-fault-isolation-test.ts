import { Registry } from "prom-client";
import { Dealer } from "zeromq";
import { type Logger, silentLogger, startWorker } from "../src/mod.js";
import { decode } from "../src/protocol/mod.js";
import { jsonRequest, startMapperProcess, useCleanup } from "../testing/mod.js";

// One message that makes the worker throw while taking it costs that message an ERROR: the next
// one is still served, on the same socket.

const { group, closeLater } = useCleanup();

/** A logger that throws on one message: a fault inside the worker's loop, as a bug would be. */
function loggerThrowingOn(message: string): Logger {
  const base = silentLogger();
  const logger: Logger = {
    ...base,
    warn: (line) => {
      if (line === message) throw new Error("logger broke");
    },
    child: () => logger,
  };
  return logger;
}

describe("worker fault isolation", () => {
  it("answers ERROR INTERNAL for a message it failed to take, counts it, and serves the next", async () => {
    const { endpoint: mapperEndpoint } = group.add(await startMapperProcess());
    const metrics = new Registry();
    const worker = await startWorker({
      service: "echo",
      mapperEndpoint,
      logger: loggerThrowingOn("refused malformed message"),
      metrics,
      jobs: { echo: { concurrency: 1, queueCapacity: 1, run: (request) => request } },
    });
    closeLater({ close: () => void worker.drain(0) });
    const socket = closeLater(new Dealer({ linger: 0, receiveTimeout: 5000 }));
    socket.connect(worker.endpoint);

    await socket.send([Buffer.from("not a zmesh message")]);
    const failed = decode(await socket.receive());
    expect(failed.ok && failed.message.type === "ERROR" && failed.message.header.code).toBe("INTERNAL");

    await socket.send(jsonRequest(7, "echo", { still: "served" }));
    const served = decode(await socket.receive());
    expect(served.ok && served.message.type).toBe("REPLY");
    expect(served.ok && "id" in served.message.header && served.message.header.id).toBe(7);
    expect(served.ok && Buffer.from(served.message.payload ?? []).toString()).toBe('{"still":"served"}');

    const failures = await metrics.getSingleMetric("zmesh_worker_answer_failures_total")?.get();
    expect(failures?.values).toEqual([expect.objectContaining({ value: 1, labels: { type: "undecoded" } })]);
  });
});
