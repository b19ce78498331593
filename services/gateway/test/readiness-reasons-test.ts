import { type ReadinessInput, readiness } from "../src/http/readiness.js";

const now = 1_000_000;
const healthy: ReadinessInput = {
  now,
  lastDirectoryEventAt: now - 500,
  directoryStaleMs: 5000,
  usableImageWorkers: 2,
  frames: { consecutiveFailures: 0, lastOutcomeAt: now - 50 },
  maxFailedRenders: 5,
};

describe("readiness", () => {
  it("is ready with a fresh directory, a usable image worker and frames arriving", () => {
    expect(readiness(healthy)).toEqual({
      ready: true,
      reasons: [],
      mapper: true,
      directoryAgeMs: 500,
      imageWorkers: 2,
      failedRenders: 0,
    });
  });

  it("is not ready before the mapper answers", () => {
    const state = readiness({ ...healthy, lastDirectoryEventAt: 0 });
    expect(state).toMatchObject({ ready: false, mapper: false, directoryAgeMs: null });
    expect(state.reasons).toEqual(["the mapper has not answered yet"]);
  });

  it("is not ready when the directory went stale", () => {
    const state = readiness({ ...healthy, lastDirectoryEventAt: now - 5001 });
    expect(state.ready).toBe(false);
    expect(state.reasons).toEqual(["directory stale: no event from the mapper for 5001 ms"]);
  });

  it("is not ready with no usable image worker", () => {
    const state = readiness({ ...healthy, usableImageWorkers: 0 });
    expect(state).toMatchObject({ ready: false, reasons: ["no usable image worker"], imageWorkers: 0 });
  });

  it("is not ready while recent renders all failed, and ready again after a success", () => {
    const failing = readiness({ ...healthy, frames: { consecutiveFailures: 5, lastOutcomeAt: now - 10 } });
    expect(failing).toMatchObject({ ready: false, reasons: ["the last 5 frame renders failed"] });
    const fewer = readiness({ ...healthy, frames: { consecutiveFailures: 4, lastOutcomeAt: now - 10 } });
    expect(fewer.ready).toBe(true);
  });

  it("forgets old failures once no render has ended for a stale period (no viewers, no evidence)", () => {
    const old = readiness({ ...healthy, frames: { consecutiveFailures: 50, lastOutcomeAt: now - 5001 } });
    expect(old.ready).toBe(true);
  });

  it("names every cause at once", () => {
    const state = readiness({
      ...healthy,
      lastDirectoryEventAt: now - 9000,
      usableImageWorkers: 0,
      frames: { consecutiveFailures: 7, lastOutcomeAt: now },
    });
    expect(state.reasons).toHaveLength(3);
  });
});
