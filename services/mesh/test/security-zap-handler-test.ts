import { Registry } from "prom-client";
import { PeerClient, startMapper, startWorker } from "../src/mod.js";
import { temporaryKeySet, useCleanup, waitFor } from "../testing/mod.js";

// One ZAP handler per process, shared by every CURVE server in it: a mapper and a worker started at
// the same moment in one process must both get it, and both admit the set's keys.

const { closeLater } = useCleanup();

describe("the process's ZAP handler", () => {
  it("serves a mapper and a worker that start in one process at the same moment", async () => {
    const keySet = temporaryKeySet(["echo", "cli"]);
    try {
      const metrics = new Registry();
      const [mapper, worker] = await Promise.all([
        startMapper({
          bind: "tcp://127.0.0.1:0",
          eventsBind: "tcp://127.0.0.1:0",
          security: { curve: keySet.keys("mapper") },
          metrics,
        }),
        startWorker({
          service: "echo",
          mapperEndpoint: "tcp://127.0.0.1:1",
          security: { curve: keySet.keys("echo") },
          metrics,
          jobs: { echo: { concurrency: 1, queueCapacity: 1, run: (request) => request } },
        }),
      ]);
      closeLater({ close: () => void mapper.close() });
      closeLater({ close: () => void worker.drain(0) });
      // The worker's job socket admits a member's key: a keyed caller gets its answer.
      const caller = closeLater(
        new PeerClient({ mapperEndpoint: mapper.endpoint, security: { curve: keySet.keys("cli") } }),
      );
      const second = await startWorker({
        service: "echo",
        mapperEndpoint: mapper.endpoint,
        security: { curve: keySet.keys("echo") },
        metrics,
        jobs: { echo: { concurrency: 1, queueCapacity: 1, run: (request) => request } },
      });
      closeLater({ close: () => void second.drain(0) });
      await second.registered;
      await waitFor("the worker in the caller's directory", () => caller.directory.count("echo") === 1);
      const reply = await caller.call("echo", "echo", Buffer.from("hi"), { timeoutMs: 5000 });
      expect(Buffer.from(reply.payload).toString()).toBe("hi");
    } finally {
      keySet.remove();
    }
  });
});
