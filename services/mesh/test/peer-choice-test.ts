import { type Candidate, choosePeer, score } from "../src/peer/peer-choice.js";

const candidate = (
  instanceId: string,
  utilization: number,
  state: Candidate["state"] = "passing",
  inFlight = 0,
): Candidate => ({
  instanceId,
  state,
  utilization,
  capacity: 10,
  inFlight,
});

/** A deterministic source of "random" numbers. */
const sequence = (...values: number[]) => {
  let index = 0;
  return () => values[index++ % values.length] as number;
};

describe("peer choice (power of two choices)", () => {
  it("returns nothing when there is no candidate", () => {
    expect(choosePeer([])).toBeUndefined();
  });

  it("of the two sampled instances, takes the less loaded", () => {
    const peers = [candidate("a", 0.9), candidate("b", 0.1), candidate("c", 0.5)];
    expect(choosePeer(peers, sequence(0, 0))?.instanceId).toBe("b"); // samples a and b
    expect(choosePeer(peers, sequence(0.99, 0))?.instanceId).toBe("c"); // samples c and a
  });

  it("counts this caller's own requests in flight, which are fresher than any report", () => {
    expect(score(candidate("a", 0.2, "passing", 5))).toBeCloseTo(0.7);
    const peers = [candidate("a", 0.2, "passing", 5), candidate("b", 0.4)];
    expect(choosePeer(peers, sequence(0, 0))?.instanceId).toBe("b");
  });

  it("never samples the same instance twice", () => {
    const peers = [candidate("a", 0.5), candidate("b", 0.1)];
    for (const first of [0, 0.3, 0.6, 0.99]) {
      expect(choosePeer(peers, sequence(first, 0))?.instanceId).toBe("b");
    }
  });

  it("skips instances full for the job and overdue ones while one with room exists", () => {
    const peers = [candidate("full", 1, "warning"), candidate("late", 0, "critical"), candidate("ok", 0.95)];
    for (let i = 0; i < 50; i++) expect(choosePeer(peers)?.instanceId).toBe("ok");
  });

  it("falls back to saturated, then overdue instances when nothing better exists", () => {
    expect(choosePeer([candidate("full", 1, "warning"), candidate("late", 0, "critical")])?.instanceId).toBe(
      "full",
    );
    expect(choosePeer([candidate("late", 0, "critical")])?.instanceId).toBe("late");
  });

  it("spreads load: the least loaded of many instances gets the most picks", () => {
    const peers = [candidate("a", 0.1), candidate("b", 0.5), candidate("c", 0.9)];
    const picks = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const id = choosePeer(peers)?.instanceId as string;
      picks.set(id, (picks.get(id) ?? 0) + 1);
    }
    expect(picks.get("a")).toBeGreaterThan(picks.get("b") as number);
    expect(picks.get("b")).toBeGreaterThan(picks.get("c") ?? 0);
    expect(picks.get("c") ?? 0).toBe(0); // c is never the better of two
  });
});
