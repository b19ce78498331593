import {
  BASE_EJECTION_MS,
  EJECT_AFTER_FAILURES,
  InstanceHealth,
  MAX_EJECTION_MS,
} from "../src/peer/instance-health.js";
import { LatencyEstimate } from "../src/peer/latency-estimate.js";

describe("latency estimate (RFC 6298 smoothing)", () => {
  it("gives no budget until it has seen enough answers", () => {
    const estimate = new LatencyEstimate();
    estimate.observe(10);
    estimate.observe(10);
    expect(estimate.overdueAfterMs(1)).toBeUndefined();
    estimate.observe(10);
    expect(estimate.overdueAfterMs(1)).toBeDefined();
  });

  it("a steady latency gives a budget close to it, never under the floor", () => {
    const estimate = new LatencyEstimate();
    for (let i = 0; i < 50; i++) estimate.observe(20);
    expect(estimate.meanMs).toBeCloseTo(20, 5);
    // The deviation decays towards zero: the budget approaches the mean from above.
    expect(estimate.overdueAfterMs(1)).toBeGreaterThanOrEqual(20);
    expect(estimate.overdueAfterMs(1)).toBeLessThan(21);
    expect(estimate.overdueAfterMs(50)).toBe(50);
  });

  it("a jittery latency widens the budget", () => {
    const steady = new LatencyEstimate();
    const jittery = new LatencyEstimate();
    for (let i = 0; i < 50; i++) {
      steady.observe(20);
      jittery.observe(i % 2 === 0 ? 5 : 35);
    }
    expect(jittery.overdueAfterMs(1)).toBeGreaterThan((steady.overdueAfterMs(1) as number) + 20);
  });

  it("guides a choice after three answers, while fresh (1 s) or while a request is out", () => {
    const estimate = new LatencyEstimate();
    estimate.observe(4, 100);
    estimate.observe(4, 101);
    expect(estimate.guideMs(102, 0)).toBeUndefined();
    estimate.observe(4, 102);
    expect(estimate.guideMs(102, 0)).toBe(4);
    expect(estimate.guideMs(1102, 0)).toBe(4);
    // Stale and nothing out: forgotten, so the instance gets a request again.
    expect(estimate.guideMs(1103, 0)).toBeUndefined();
    // Stale, but that one request is out: the old latency still stands until it answers.
    expect(estimate.guideMs(1103, 1)).toBe(4);
    estimate.observe(8, 1200);
    expect(estimate.guideMs(1200, 0)).toBe(4.5);
  });

  it("ignores values that are not durations", () => {
    const estimate = new LatencyEstimate();
    for (const bad of [Number.NaN, -1, Number.POSITIVE_INFINITY]) estimate.observe(bad);
    expect(estimate.samples).toBe(0);
  });
});

describe("instance health (outlier detection)", () => {
  it("an overdue reply takes the instance out of choice until it answers", () => {
    const health = new InstanceHealth();
    expect(health.available(0, 0)).toBe(true);
    health.markOverdue();
    expect(health.available(0, 1)).toBe(false);
    health.recordSuccess(true);
    expect(health.available(0, 0)).toBe(true);
  });

  it("an overdue request that then fails rests the instance at once, then lets one probe in", () => {
    const health = new InstanceHealth();
    health.markOverdue();
    expect(health.recordFailure(1000, true)).toBe(BASE_EJECTION_MS);
    expect(health.available(1000 + BASE_EJECTION_MS - 1, 0)).toBe(false);
    // Back in, but as a probe: one request at a time until an answer.
    expect(health.available(1000 + BASE_EJECTION_MS, 0)).toBe(true);
    expect(health.available(1000 + BASE_EJECTION_MS, 1)).toBe(false);
    health.recordSuccess(false);
    expect(health.probing).toBe(false);
    expect(health.available(1000 + BASE_EJECTION_MS, 5)).toBe(true);
  });

  it("isolated failures do not rest an instance; a run of them does", () => {
    const health = new InstanceHealth();
    for (let i = 1; i < EJECT_AFTER_FAILURES; i++) expect(health.recordFailure(0, false)).toBeUndefined();
    health.recordSuccess(false);
    for (let i = 1; i < EJECT_AFTER_FAILURES; i++) expect(health.recordFailure(0, false)).toBeUndefined();
    expect(health.recordFailure(0, false)).toBe(BASE_EJECTION_MS);
  });

  it("a failed probe doubles the rest, up to a ceiling", () => {
    const health = new InstanceHealth();
    const rests: number[] = [];
    let now = 0;
    for (let i = 0; i < 8; i++) {
      health.markOverdue();
      const rest = health.recordFailure(now, true) as number;
      rests.push(rest);
      now += rest;
    }
    expect(rests.slice(0, 3)).toEqual([BASE_EJECTION_MS, 2 * BASE_EJECTION_MS, 4 * BASE_EJECTION_MS]);
    expect(Math.max(...rests)).toBe(MAX_EJECTION_MS);
  });

  it("a request ended by our own close changes nothing but its overdue mark", () => {
    const health = new InstanceHealth();
    health.markOverdue();
    health.forget(true);
    expect(health.available(0, 0)).toBe(true);
    expect(health.overdue).toBe(0);
  });
});
