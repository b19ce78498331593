import { DirectoryCache } from "../src/directory/directory-cache.js";
import type { InstanceRecord } from "../src/protocol/mod.js";
import { sampleLoad } from "../testing/mod.js";

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

  it("holds at most its bound: new instances past it are left out and counted, known ones still update", () => {
    const cache = new DirectoryCache(Date.now, 3);
    for (const id of ["a", "b", "c", "d", "e"])
      cache.applyChange({ kind: "registered", instance: instance(id) });
    expect(cache.instances("echo").map((i) => i.instanceId)).toEqual(["a", "b", "c"]);
    expect(cache.applyChange({ kind: "registered", instance: instance("f", "other") }).added).toEqual([]);
    expect([cache.size, cache.leftOut]).toEqual([3, 3]);
    // A record already held is replaced as usual, and a departure makes room again.
    expect(
      cache.applyChange({ kind: "state", instance: { ...instance("a"), state: "warning" } }).added,
    ).toEqual([]);
    expect(cache.get("echo", "a")?.state).toBe("warning");
    cache.applyChange({ kind: "expired", instance: instance("b") });
    cache.applyChange({ kind: "registered", instance: instance("d") });
    expect(cache.instances("echo").map((i) => i.instanceId)).toEqual(["a", "c", "d"]);
  });

  it("a whole snapshot into a full cache makes room first: it holds what the snapshot names", () => {
    const cache = new DirectoryCache(Date.now, 2);
    cache.applySnapshot({ epoch: "e1", partial: false, instances: [instance("a"), instance("b")] });
    const diff = cache.applySnapshot({
      epoch: "e1",
      partial: false,
      instances: [instance("c"), instance("d")],
    });
    expect(diff.added.map((i) => i.instanceId)).toEqual(["c", "d"]);
    expect(diff.removed.map((i) => i.instanceId)).toEqual(["a", "b"]);
    expect(cache.leftOut).toBe(0);
  });

  it("a snapshot in parts into a full cache holds what its parts name, once its removals made room", () => {
    const cache = new DirectoryCache(Date.now, 2);
    cache.applySnapshot({ epoch: "e1", partial: false, instances: [instance("a"), instance("b")] });
    const part = (index: number, id: string) =>
      cache.applySnapshot({
        epoch: "e1",
        partial: true,
        seq: 7,
        part: index,
        parts: 2,
        instances: [instance(id)],
      });
    const first = part(0, "c");
    const second = part(1, "d");
    expect([...first.added, ...second.added].map((i) => i.instanceId)).toEqual(["c", "d"]);
    expect(second.removed.map((i) => i.instanceId)).toEqual(["a", "b"]);
    expect(cache.instances("echo").map((i) => i.instanceId)).toEqual(["c", "d"]);
    expect(cache.leftOut).toBe(0);
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

describe("directory cache: a snapshot in parts", () => {
  const part = (seq: number, index: number, parts: number, ids: string[], epoch = "e1") => ({
    epoch,
    seq,
    partial: true,
    part: index,
    parts,
    instances: ids.map((id) => instance(id)),
  });
  const ids = (cache: DirectoryCache) =>
    cache
      .instances("echo")
      .map((i) => i.instanceId)
      .sort();

  it("merges each part as it arrives and removes the missing only once every part came", () => {
    const cache = new DirectoryCache();
    cache.applySnapshot({
      epoch: "e1",
      partial: false,
      instances: ["a", "b", "gone"].map((id) => instance(id)),
    });
    expect(cache.applySnapshot(part(7, 1, 3, ["c", "d"])).removed).toEqual([]);
    expect(ids(cache)).toEqual(["a", "b", "c", "d", "gone"]);
    expect(cache.applySnapshot(part(7, 0, 3, ["a"])).removed).toEqual([]);
    const last = cache.applySnapshot(part(7, 2, 3, ["b", "e"]));
    expect(last.added.map((i) => i.instanceId)).toEqual(["e"]);
    expect(last.removed.map((i) => i.instanceId)).toEqual(["gone"]);
    expect(ids(cache)).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("a lost part leaves the snapshot unfinished: nothing removed; the next snapshot repairs it", () => {
    const cache = new DirectoryCache();
    cache.applySnapshot({ epoch: "e1", partial: false, instances: ["a", "gone"].map((id) => instance(id)) });
    cache.applySnapshot(part(1, 0, 2, ["a"]));
    // part 1 of seq 1 was dropped by PUB/SUB; seq 2 starts afresh and does not count seq 1's part
    cache.applySnapshot(part(2, 1, 2, ["b"]));
    expect(ids(cache)).toEqual(["a", "b", "gone"]);
    expect(cache.applySnapshot(part(2, 0, 2, ["a"])).removed.map((i) => i.instanceId)).toEqual(["gone"]);
  });

  it("a part received twice is not mistaken for another part", () => {
    const cache = new DirectoryCache();
    cache.applySnapshot({ epoch: "e1", partial: false, instances: [instance("gone")] });
    cache.applySnapshot(part(3, 0, 2, ["a"]));
    cache.applySnapshot(part(3, 0, 2, ["a"]));
    expect(ids(cache)).toEqual(["a", "gone"]);
  });

  it("keeps an instance registered by a CHANGE while the parts arrive", () => {
    const cache = new DirectoryCache();
    cache.applySnapshot(part(4, 0, 2, ["a"]));
    cache.applyChange({ kind: "registered", instance: instance("late") });
    cache.applySnapshot(part(4, 1, 2, ["b"]));
    expect(ids(cache)).toEqual(["a", "b", "late"]);
  });

  it("a whole snapshot abandons an unfinished one", () => {
    const cache = new DirectoryCache();
    cache.applySnapshot(part(5, 0, 2, ["a"]));
    cache.applySnapshot({ epoch: "e1", seq: 6, partial: false, instances: [instance("b")] });
    expect(ids(cache)).toEqual(["b"]);
    cache.applySnapshot(part(5, 1, 2, ["c"]));
    expect(ids(cache)).toEqual(["b", "c"]);
  });
});
