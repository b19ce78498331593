import { type Change, MapperClient, PeerClient, parseJson } from "../src/mod.js";
import { startEchoWorker, startMapperProcess, useCleanup, waitFor } from "../testing/mod.js";

const { group, closeLater } = useCleanup();

describe("worker under CPU load", () => {
  it("is never expired or marked critical while its job threads burn every core", async () => {
    const INTERVAL = 500;
    const { mapper, endpoint } = group.add(
      await startMapperProcess({ HEARTBEAT_INTERVAL_MS: String(INTERVAL) }),
    );
    // Watch the directory before the worker exists: every CHANGE the mapper publishes about it is seen.
    const changes: Change[] = [];
    const watch = closeLater(new MapperClient(endpoint)).watch((change) => changes.push(change));
    await watch.ready;
    const { instanceId } = group.add(
      await startEchoWorker(endpoint, { HEARTBEAT_INTERVAL_MS: String(INTERVAL), BURN_THREADS: "2" }),
    );
    const peers = closeLater(new PeerClient({ mapperEndpoint: endpoint, defaultTimeoutMs: 30_000 }));
    await waitFor("the worker in the directory", () => peers.directory.instances("echo").length === 1);
    await waitFor("the watch to see the worker register", () =>
      changes.some((c) => c.kind === "registered" && c.instance.instanceId === instanceId),
    );

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
    // The mapper's own word: it publishes every change of the instance's state, and none during the
    // burn made it critical, expired or deregistered it.
    const about = changes.filter((c) => c.instance.instanceId === instanceId);
    expect(about.filter((c) => c.instance.state === "critical")).toEqual([]);
    expect(about.filter((c) => c.kind === "expired" || c.kind === "deregistered")).toEqual([]);
    expect(watch.directory.get("echo", instanceId)?.state).not.toBe("critical");
  });
});
