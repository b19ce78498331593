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

  it("keeps the colour of a worker still shown when others are forgotten", () => {
    const colors = new WorkerColors();
    const [kept, gone] = ["image-worker-kept", "image-worker-gone"];
    const keptColor = colors.of(kept);
    colors.of(gone);
    colors.retain([kept]);
    expect(colors.of(kept)).toBe(keptColor);
  });
});
