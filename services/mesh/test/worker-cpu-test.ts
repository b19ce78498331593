import { PeerClient, parseJson } from "../src/mod.js";
import { startEchoWorker, startMapperProcess, useCleanup, waitFor } from "../testing/mod.js";

const { group, closeLater } = useCleanup();

describe("worker under CPU load", () => {
  it("is never expired or marked critical while its job threads burn every core", async () => {
    const INTERVAL = 500;
    const { mapper, endpoint } = group.add(
      await startMapperProcess({ HEARTBEAT_INTERVAL_MS: String(INTERVAL) }),
    );
    const { instanceId } = group.add(
      await startEchoWorker(endpoint, { HEARTBEAT_INTERVAL_MS: String(INTERVAL), BURN_THREADS: "2" }),
    );
    const peers = closeLater(new PeerClient({ mapperEndpoint: endpoint, defaultTimeoutMs: 30_000 }));
    await waitFor("the worker in the directory", () => peers.directory.instances("echo").length === 1);

    // Keep both threads (both cores of the CI machine) busy for ten heartbeat intervals and more.
    const burnUntil = Date.now() + 12 * INTERVAL;
    let burned = 0;
    const burner = async () => {
      while (Date.now() < burnUntil) {
        const reply = await peers.call("echo", "burn", Buffer.from(JSON.stringify({ ms: 200 })));
        burned += parseJson<{ burnedMs: number }>(reply.payload).burnedMs;
      }
    };
    await Promise.all([burner(), burner(), burner()]);

    expect(burned).toBeGreaterThanOrEqual(2 * 10 * INTERVAL * 0.8);
    const trouble = mapper.logs.filter(
      (line) => line.message === "instance expired" || line.message === "instance deregistered",
    );
    expect(trouble).toEqual([]);
    expect(peers.directory.get("echo", instanceId)?.state).not.toBe("critical");
    // The mapper's own record: never critical during the burn (it publishes every state change).
    const stateChanges = mapper.logs.filter((line) => line.message === "instance state");
    expect(stateChanges.filter((line) => line.state === "critical")).toEqual([]);
  });
});
