import { type Candidate, choosePeer } from "../src/peer/peer-choice.js";
import { newTraceId } from "../src/peer/trace-id.js";

const candidate = (instanceId: string, inFlight: number, latencyMs?: number): Candidate => ({
  instanceId,
  state: "passing",
  utilization: 0,
  capacity: 100,
  inFlight,
  ...(latencyMs === undefined ? {} : { latencyMs }),
});

/** A deterministic source of "random" numbers. */
const sequence = (...values: number[]) => {
  let index = 0;
  return () => values[index++ % values.length] as number;
};

describe("peer choice weighed by measured latency", () => {
  it("of two instances at least twice apart in speed, takes the faster, however busy", () => {
    const slow = candidate("slow", 0, 20);
    const fast = candidate("fast", 30, 1);
    expect(choosePeer([slow, fast], sequence(0, 0))?.instanceId).toBe("fast");
    expect(choosePeer([fast, slow], sequence(0, 0))?.instanceId).toBe("fast");
  });

  it("treats instances within a factor of two alike: their requests in flight decide", () => {
    const lessBusy = candidate("less-busy", 1, 1.9);
    const busier = candidate("busier", 3, 1);
    expect(choosePeer([busier, lessBusy], sequence(0, 0))?.instanceId).toBe("less-busy");
  });

  it("takes a sub-millisecond gap for noise, however large the ratio: requests in flight decide", () => {
    const quick = candidate("quick", 2, 0.4);
    const quickToo = candidate("quick-too", 0, 0.9);
    expect(choosePeer([quick, quickToo], sequence(0, 0))?.instanceId).toBe("quick-too");
    expect(choosePeer([quickToo, quick], sequence(0, 0))?.instanceId).toBe("quick-too");
  });

  it("counts in-flight requests only when either latency is unknown", () => {
    const unmeasured = candidate("new", 0);
    const measured = candidate("known", 2, 1);
    expect(choosePeer([measured, unmeasured], sequence(0, 0))?.instanceId).toBe("new");
  });
});

describe("trace ids", () => {
  it("are 22 base64url characters (128 random bits) and do not repeat", () => {
    const ids = new Set(Array.from({ length: 1000 }, newTraceId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
