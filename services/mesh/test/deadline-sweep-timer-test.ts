import { type Deadline, DeadlineSweep } from "../src/transport/deadline-sweep.js";
import { waitFor } from "../testing/mod.js";

// Every request's deadline and every attempt's budget share one timer: a due deadline fires once, a
// cancelled one never, and one armed later than the earliest still fires when its time comes.

const deadlineIn = (ms: number, fired: string[], name: string): Deadline => ({
  at: performance.now() + ms,
  fire: () => fired.push(name),
});

describe("deadline sweep", () => {
  it("fires each due deadline once, in time order, and never a cancelled one", async () => {
    const sweep = new DeadlineSweep();
    const fired: string[] = [];
    const late = deadlineIn(120, fired, "late");
    const cancelled = deadlineIn(20, fired, "cancelled");
    const early = deadlineIn(40, fired, "early");
    for (const deadline of [late, cancelled, early]) sweep.schedule(deadline);
    sweep.cancel(cancelled);
    await waitFor("both deadlines to fire", () => fired.length === 2, 2000);
    expect(fired).toEqual(["early", "late"]);
    // A sweep past every deadline: nothing fires twice, and the cancelled one stays quiet.
    sweep.schedule(deadlineIn(170, fired, "after"));
    await waitFor("a sweep past the last deadline", () => fired.includes("after"), 2000);
    expect(fired).toEqual(["early", "late", "after"]);
  });

  it("a deadline scheduled after the set emptied (the timer kept, unref'd) still fires", async () => {
    const sweep = new DeadlineSweep();
    const fired: string[] = [];
    const first = deadlineIn(10_000, fired, "first");
    sweep.schedule(first);
    sweep.cancel(first);
    sweep.schedule(deadlineIn(30, fired, "second"));
    await waitFor("the second deadline to fire", () => fired.length === 1, 2000);
    expect(fired).toEqual(["second"]);
  });
});
