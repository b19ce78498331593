import { DirectoryCache } from "../src/directory/directory-cache.js";
import type { InstanceRecord } from "../src/protocol/mod.js";
import { sampleLoad } from "./support/fixtures.js";

const instance = (instanceId: string, service = "echo"): InstanceRecord => ({
  service,
  instanceId,
  endpoint: "tcp://127.0.0.1:7000",
  load: sampleLoad(),
  state: "passing",
  registeredAt: 0,
  silentForMs: 0,
});

describe("directory cache", () => {
  it("a full snapshot replaces the cache and reports what came and went", () => {
    const cache = new DirectoryCache();
    cache.applySnapshot({ epoch: "e1", partial: false, instances: [instance("a"), instance("b")] });
    const diff = cache.applySnapshot({
      epoch: "e1",
      partial: false,
      instances: [instance("b"), instance("c")],
    });
    expect(diff.added.map((i) => i.instanceId)).toEqual(["c"]);
    expect(diff.removed.map((i) => i.instanceId)).toEqual(["a"]);
    expect(cache.instances("echo").map((i) => i.instanceId)).toEqual(["b", "c"]);
  });

  it("a restarted mapper's partial snapshot is merged, so the cache keeps serving", () => {
    const cache = new DirectoryCache();
    cache.applySnapshot({ epoch: "e1", partial: false, instances: [instance("a"), instance("b")] });
    const diff = cache.applySnapshot({ epoch: "e2", partial: true, instances: [instance("b")] });
    expect(diff.removed).toEqual([]);
    expect(cache.instances("echo")).toHaveLength(2);
    expect(cache.epoch).toBe("e2");
  });

  it("applies changes, and a BUSY reply's load updates the record", () => {
    const cache = new DirectoryCache();
    cache.applyChange({ kind: "registered", instance: instance("a") });
    cache.updateLoad(
      "echo",
      "a",
      sampleLoad({ inFlight: 2, queued: 2, utilization: 1, jobs: { echo: { used: 4, slots: 4 } } }),
    );
    expect(cache.get("echo", "a")?.load.utilization).toBe(1);
    expect(cache.applyChange({ kind: "expired", instance: instance("a") }).removed).toHaveLength(1);
    expect(cache.services()).toEqual([]);
  });
});
