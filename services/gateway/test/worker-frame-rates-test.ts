import { WorkerFrameRates } from "../src/streams/worker-frame-rates.js";

describe("worker frame rates", () => {
  it("gives frames a second, share and mean render time per worker over the window", () => {
    const rates = new WorkerFrameRates({ windowMs: 5000, maxFrames: 1000 });
    // 10 fps for 5 s: alpha renders three frames in four, beta one.
    for (let tick = 0; tick < 50; tick++) {
      rates.record(tick % 4 === 3 ? "beta" : "alpha", tick % 4 === 3 ? 20 : 10, 1000 + tick * 100);
    }
    const snapshot = rates.snapshot(1000 + 49 * 100 + 50);
    expect(snapshot.windowSeconds).toBe(5);
    expect(snapshot.framesPerS).toBeCloseTo(10, 0);
    expect(Object.keys(snapshot.workers)).toEqual(["alpha", "beta"]);
    expect(snapshot.workers.alpha).toEqual({ framesPerS: expect.closeTo(7.6, 0), share: 0.76, renderMs: 10 });
    expect(snapshot.workers.beta).toEqual({ framesPerS: expect.closeTo(2.4, 0), share: 0.24, renderMs: 20 });
  });

  it("forgets frames older than the window, and a worker with none left", () => {
    const rates = new WorkerFrameRates({ windowMs: 5000, maxFrames: 1000 });
    rates.record("gone", 5, 0);
    rates.record("alpha", 5, 4000);
    rates.record("alpha", 5, 6000);
    expect(rates.snapshot(6000).workers).toEqual({ alpha: { framesPerS: 0.4, share: 1, renderMs: 5 } });
    expect(rates.snapshot(20_000)).toEqual({ windowSeconds: 5, framesPerS: 0, workers: {} });
  });

  it("does not read the first frame as a burst, and remembers at most maxFrames", () => {
    const rates = new WorkerFrameRates({ windowMs: 5000, maxFrames: 3 });
    rates.record("alpha", 5, 1000);
    expect(rates.snapshot(1000).framesPerS).toBe(1);
    for (let i = 0; i < 10; i++) rates.record("beta", 5, 1001 + i);
    expect(rates.snapshot(1100).workers).toEqual({ beta: { framesPerS: 3, share: 1, renderMs: 5 } });
  });
});
