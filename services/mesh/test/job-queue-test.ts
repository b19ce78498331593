import { BoundedJobQueue } from "../src/worker/job-queue.js";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe("bounded job queue", () => {
  it("runs up to `concurrency` at once, queues up to `capacity`, refuses the rest", async () => {
    const queue = new BoundedJobQueue(2, 1);
    const gates = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const accepted = gates.map((gate, index) =>
      queue.offer(async () => {
        started.push(index);
        await gate.promise;
      }),
    );
    expect(accepted).toEqual([true, true, true]);
    expect(queue.offer(async () => {})).toBe(false);
    expect([queue.inFlight, queue.queued, queue.size]).toEqual([2, 1, 3]);
    expect(started).toEqual([0, 1]);

    gates[0]?.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    expect([queue.inFlight, queue.queued]).toEqual([2, 0]);
    expect(queue.offer(async () => {})).toBe(true);
  });

  it("keeps FIFO order among waiting jobs and survives failing tasks", async () => {
    const queue = new BoundedJobQueue(1, 10);
    const order: number[] = [];
    queue.offer(async () => {
      throw new Error("task failure is the task's business");
    });
    for (let i = 0; i < 5; i++) {
      queue.offer(async () => {
        order.push(i);
      });
    }
    await queue.idle();
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect([queue.inFlight, queue.queued]).toEqual([0, 0]);
  });

  it("idle() resolves only when nothing runs or waits", async () => {
    const queue = new BoundedJobQueue(1, 1);
    await expect(queue.idle()).resolves.toBeUndefined();
    const gate = deferred();
    queue.offer(() => gate.promise);
    let idle = false;
    const waiting = queue.idle().then(() => {
      idle = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false);
    gate.resolve();
    await waiting;
    expect(idle).toBe(true);
  });

  it("rejects nonsensical limits", () => {
    expect(() => new BoundedJobQueue(0, 1)).toThrow(RangeError);
    expect(() => new BoundedJobQueue(1, -1)).toThrow(RangeError);
    expect(() => new BoundedJobQueue(1.5, 1)).toThrow(RangeError);
  });
});
