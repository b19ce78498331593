import { WorkerColors } from "../src/worker-colors.js";

// Workers come and go (scaling, rolling updates): the page must not run out of colours for the
// ones it shows because of the ones it showed before.

const names = (count: number, prefix: string) =>
  Array.from({ length: count }, (_, index) => `image-worker-${prefix}-${index}`);

describe("worker colours", () => {
  it("keeps a worker's colour, and gives different workers different colours", () => {
    const colors = new WorkerColors();
    const workers = names(8, "a");
    const first = workers.map((worker) => colors.of(worker));
    expect(new Set(first).size).toBe(8);
    expect(workers.map((worker) => colors.of(worker))).toEqual(first);
  });

  it("gives a gone worker's colour to a newcomer: four live workers after a rolling update stay distinct", () => {
    const colors = new WorkerColors();
    for (const worker of names(4, "old")) colors.of(worker);
    // All four replaced, then the page no longer shows the old ones.
    const fresh = names(4, "new");
    for (const worker of fresh) colors.of(worker);
    colors.retain(fresh);
    const newer = names(4, "newer");
    for (const worker of newer) colors.of(worker);
    colors.retain(newer);
    const later = names(4, "later");
    colors.retain([...newer, ...later]);
    const shown = [...newer, ...later].map((worker) => colors.of(worker));
    expect(new Set(shown).size).toBe(8);
  });

  it("keeps the colours of the workers still shown when others are forgotten", () => {
    const colors = new WorkerColors();
    const workers = names(8, "w");
    const before = workers.map((worker) => colors.of(worker));
    const kept = workers.slice(0, 4);
    colors.retain(kept);
    // Newcomers whose own colour (their name's, on an empty page) is one of the kept workers': a
    // forgotten kept worker would lose it to them.
    const keptColors = new Set(before.slice(0, 4));
    const candidates = Array.from({ length: 200 }, (_, index) => `image-worker-n-${index}`);
    const rivals = candidates.filter((worker) => keptColors.has(new WorkerColors().of(worker))).slice(0, 4);
    expect(rivals).toHaveLength(4);
    const newcomers = rivals.map((worker) => colors.of(worker));
    // The kept four keep theirs; the newcomers take the four freed, not the kept ones'.
    expect(kept.map((worker) => colors.of(worker))).toEqual(before.slice(0, 4));
    expect(new Set([...before.slice(0, 4), ...newcomers]).size).toBe(8);
  });

  it("gives workers that came while every colour was taken colours of their own once others leave", () => {
    const colors = new WorkerColors();
    for (const worker of names(6, "old")) colors.of(worker);
    // A rolling update: six new workers appear while the six old ones are still on the page.
    const fresh = names(6, "new");
    for (const worker of fresh) colors.of(worker);
    colors.retain(fresh);
    expect(new Set(fresh.map((worker) => colors.of(worker))).size).toBe(6);
  });
});
