import { chooseSubset } from "../src/peer/subset.js";

const ids = (n: number, prefix = "i") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe("peer subset (deterministic subsetting)", () => {
  it("takes every instance when there are fewer than the subset size", () => {
    expect([...chooseSubset(ids(3), new Set(), 10, "caller")].sort()).toEqual(ids(3).sort());
  });

  it("never exceeds the subset size, however many instances exist", () => {
    expect(chooseSubset(ids(5000), new Set(), 10, "caller").size).toBe(10);
  });

  it("keeps members that are still eligible, and replaces only those that left", () => {
    const first = chooseSubset(ids(100), new Set(), 5, "caller");
    const [gone, ...kept] = [...first];
    const next = chooseSubset(
      ids(100).filter((id) => id !== gone),
      first,
      5,
      "caller",
    );
    expect(next.size).toBe(5);
    expect(next.has(gone as string)).toBe(false);
    for (const id of kept) expect(next.has(id)).toBe(true);
  });

  it("is the same for the same caller, and spreads callers evenly over instances", () => {
    const instances = ids(40);
    expect([...chooseSubset(instances, new Set(), 4, "same")]).toEqual([
      ...chooseSubset(instances, new Set(), 4, "same"),
    ]);
    const picks = new Map<string, number>(instances.map((id) => [id, 0]));
    for (let caller = 0; caller < 400; caller++) {
      for (const id of chooseSubset(instances, new Set(), 4, `caller-${caller}`))
        picks.set(id, (picks.get(id) ?? 0) + 1);
    }
    // 400 callers x 4 places over 40 instances: 40 each on average.
    const counts = [...picks.values()];
    expect(Math.min(...counts)).toBeGreaterThan(15);
    expect(Math.max(...counts)).toBeLessThan(70);
  });
});
