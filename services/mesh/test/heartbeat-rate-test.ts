import { startHeartbeat } from "../src/member/heartbeat.js";

// Time is jest's fake clock (Date.now included): every instant below is exact, not a tolerance.
const INTERVAL = 100;

/** A beat that records when each run starts and ends, and how many run at once; each takes `takesMs(n)`. */
function recordingBeat(takesMs: (n: number) => number = () => 0) {
  const starts: number[] = [];
  const ends: number[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const beat = async () => {
    const n = starts.length;
    starts.push(Date.now());
    running++;
    mostAtOnce = Math.max(mostAtOnce, running);
    const ms = takesMs(n);
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    running--;
    ends.push(Date.now());
  };
  return { beat, starts, ends, mostAtOnce: () => mostAtOnce };
}

describe("heartbeat", () => {
  const errors: unknown[] = [];
  const onError = (error: unknown) => errors.push(error);
  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    errors.length = 0;
  });
  afterEach(() => jest.useRealTimers());

  it("beats at a fixed rate, the first one interval after the start", async () => {
    const { beat, starts } = recordingBeat();
    const heartbeat = startHeartbeat(INTERVAL, beat, onError);
    await jest.advanceTimersByTimeAsync(INTERVAL - 1);
    expect(starts).toEqual([]);
    await jest.advanceTimersByTimeAsync(4 * INTERVAL + 1);
    expect(starts).toEqual([100, 200, 300, 400, 500]);
    heartbeat.stop();
    expect(errors).toEqual([]);
  });

  it("keeps its rate when beats take part of an interval (no drift)", async () => {
    const { beat, starts } = recordingBeat(() => 30);
    const heartbeat = startHeartbeat(INTERVAL, beat, onError);
    await jest.advanceTimersByTimeAsync(5 * INTERVAL);
    expect(starts).toEqual([100, 200, 300, 400, 500]);
    heartbeat.stop();
  });

  it("never runs two beats at once: a slow beat delays the next, which then starts at once", async () => {
    // The second beat takes two and a half intervals; the others are instant.
    const { beat, starts, ends, mostAtOnce } = recordingBeat((n) => (n === 1 ? 250 : 0));
    const heartbeat = startHeartbeat(INTERVAL, beat, onError);
    await jest.advanceTimersByTimeAsync(8 * INTERVAL);
    heartbeat.stop();
    expect(mostAtOnce()).toBe(1);
    expect(starts.slice(0, 2)).toEqual([100, 200]);
    expect(ends[1]).toBe(450);
    // Late, so at once (a zero timeout, which Node rounds to 1 ms).
    expect(starts[2]).toBeGreaterThanOrEqual(450);
    expect(starts[2]).toBeLessThanOrEqual(451);
    // The missed ticks are not replayed in a burst: the rate resumes from the late beat.
    expect(starts.slice(3)).toEqual([550, 650, 750]);
  });

  it("stop() ends it: no beat after, and none after a beat that was running", async () => {
    const { beat, starts } = recordingBeat(() => 50);
    const heartbeat = startHeartbeat(INTERVAL, beat, onError);
    await jest.advanceTimersByTimeAsync(INTERVAL + 10); // the first beat is running
    expect(starts).toEqual([100]);
    heartbeat.stop();
    await jest.advanceTimersByTimeAsync(10 * INTERVAL);
    expect(starts).toEqual([100]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("a beat that rejects goes to onError, and the next beat runs on time", async () => {
    let n = 0;
    const heartbeat = startHeartbeat(
      INTERVAL,
      async () => {
        n++;
        if (n === 1) throw new Error("mapper gone");
      },
      onError,
    );
    await jest.advanceTimersByTimeAsync(3 * INTERVAL);
    heartbeat.stop();
    expect(n).toBe(3);
    expect(errors.map(String)).toEqual(["Error: mapper gone"]);
  });
});
