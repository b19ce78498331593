import { DirectoryCache, type DirectoryDiff } from "../src/directory/directory-cache.js";
import { mergeListings } from "../src/directory/fetch-merged.js";
import { MergedDirectory } from "../src/directory/merged-directory.js";
import type { DirectoryChange, InstanceRecord } from "../src/protocol/mod.js";
import { sampleLoad } from "../testing/mod.js";

// Two mappers' copies of the directory seen as one: no consensus, a union of what is heard.
const STALE_MS = 1000;

function record(
  instanceId: string,
  silentForMs = 0,
  state: InstanceRecord["state"] = "passing",
): InstanceRecord {
  return {
    service: "echo",
    instanceId,
    endpoint: `tcp://127.0.0.1:${7000 + Number(instanceId.replace(/\D/g, "") || 0)}`,
    load: sampleLoad(),
    state,
    registeredAt: 1,
    silentForMs,
  };
}

function twoMappers() {
  const diffs: DirectoryDiff[] = [];
  const changes: DirectoryChange[] = [];
  let now = 10_000;
  const merged = new MergedDirectory({
    staleAfterMs: STALE_MS,
    now: () => now,
    onDiff: (diff) => diffs.push(diff),
    onChange: (change) => changes.push(change),
  });
  const heardAt = { a: 0, b: 0 };
  const caches = { a: new DirectoryCache(() => now), b: new DirectoryCache(() => now) };
  merged.add("a", caches.a, () => heardAt.a);
  merged.add("b", caches.b, () => heardAt.b);
  /** Mapper `name` publishes a full snapshot of `instances`, heard now. */
  const snapshot = (name: "a" | "b", instances: InstanceRecord[]) => {
    heardAt[name] = now;
    const diff = caches[name].applySnapshot({ epoch: `epoch-${name}`, partial: false, instances });
    merged.sourceDiff(name, diff);
  };
  const change = (name: "a" | "b", kind: DirectoryChange["kind"], instance: InstanceRecord) => {
    heardAt[name] = now;
    merged.sourceDiff(name, caches[name].applyChange({ kind, instance }));
    merged.sourceChange(name, { kind, instance });
  };
  const ids = () =>
    merged
      .instances("echo")
      .map((r) => r.instanceId)
      .sort();
  const later = (ms: number) => {
    now += ms;
    merged.refreshView(now);
  };
  return { merged, diffs, changes, snapshot, change, ids, later };
}

describe("merged directory of two mappers", () => {
  it("lists an instance any mapper lists, once, with the freshest record", () => {
    const { merged, snapshot, ids } = twoMappers();
    snapshot("a", [record("w1", 900), record("w2", 100)]);
    snapshot("b", [record("w1", 200), record("w3", 50)]);
    expect(ids()).toEqual(["w1", "w2", "w3"]);
    expect(merged.count("echo")).toBe(3);
    expect(merged.get("echo", "w1")?.silentForMs).toBe(200);
    expect(merged.all()).toHaveLength(3);
    expect(merged.epoch).toBe("epoch-a,epoch-b");
  });

  it("prefers the copy heard from last by our clock, not the lower silentForMs of an older copy", () => {
    const { merged, snapshot, ids, later } = twoMappers();
    // Mapper a heard w1 just now, then says nothing more; 800 ms on, b says it has not heard w1 for 600 ms.
    snapshot("a", [record("w1", 0, "passing")]);
    later(800);
    snapshot("b", [record("w1", 600, "critical")]);
    expect(ids()).toEqual(["w1"]);
    expect(merged.get("echo", "w1")?.state).toBe("critical");
    expect(merged.instances("echo")[0]?.state).toBe("critical");
  });

  it("keeps an instance one mapper expires while the other still lists it, and removes it once none does", () => {
    const { snapshot, change, ids, diffs, changes } = twoMappers();
    snapshot("a", [record("w1"), record("w2")]);
    snapshot("b", [record("w1"), record("w2")]);
    diffs.length = 0;
    change("a", "expired", record("w2"));
    expect(ids()).toEqual(["w1", "w2"]);
    expect(diffs).toEqual([]);
    expect(changes).toEqual([]);
    change("b", "expired", record("w2"));
    expect(ids()).toEqual(["w1"]);
    expect(diffs.flatMap((d) => d.removed.map((r) => r.instanceId))).toEqual(["w2"]);
    expect(changes.map((c) => [c.kind, c.instance.instanceId])).toEqual([["expired", "w2"]]);
  });

  it("reports a registration and a state change once, not once per mapper", () => {
    const { snapshot, change, changes } = twoMappers();
    snapshot("a", []);
    snapshot("b", []);
    change("a", "registered", record("w1"));
    change("b", "registered", record("w1"));
    change("a", "state", record("w1", 0, "warning"));
    change("b", "state", record("w1", 0, "warning"));
    expect(changes.map((c) => [c.kind, c.instance.state])).toEqual([
      ["registered", "passing"],
      ["state", "warning"],
    ]);
  });

  it("drops a silent mapper's copy while the other is heard, and keeps the last copies when none is", () => {
    const { snapshot, ids, later, diffs } = twoMappers();
    snapshot("a", [record("w1"), record("gone")]);
    snapshot("b", [record("w1")]);
    // Mapper a falls silent; b goes on: what only a listed leaves the view.
    later(STALE_MS / 2);
    snapshot("b", [record("w1")]);
    later(STALE_MS / 2 + 1);
    expect(ids()).toEqual(["w1"]);
    expect(diffs.at(-1)?.removed.map((r) => r.instanceId)).toEqual(["gone"]);
    // Then b falls silent too: nothing is dropped, the caller serves from what it last heard.
    later(10 * STALE_MS);
    expect(ids()).toEqual(["w1"]);
  });

  it("takes a mapper back into the view when it is heard again, with what only it lists", () => {
    const { snapshot, ids, later, diffs } = twoMappers();
    snapshot("a", [record("w1")]);
    snapshot("b", [record("w1")]);
    later(STALE_MS + 1);
    snapshot("b", [record("w1")]);
    later(1);
    snapshot("a", [record("w1"), record("w9")]);
    expect(ids()).toEqual(["w1", "w9"]);
    expect(diffs.at(-1)?.added.map((r) => r.instanceId)).toEqual(["w9"]);
  });

  it("merges one-off listings the same way (the CLI's ls)", () => {
    const merged = mergeListings([
      [record("w2", 500), record("w1", 10)],
      [record("w2", 20), record("w3", 0)],
    ]);
    expect(merged.map((r) => [r.instanceId, r.silentForMs])).toEqual([
      ["w1", 10],
      ["w2", 20],
      ["w3", 0],
    ]);
  });
});
