import type { RestartBackoff as Backoff } from "../backoff.mjs";

// The launcher is plain ESM (run by node without a build): load it as such.
let RestartBackoff: typeof Backoff;
beforeAll(async () => {
  ({ RestartBackoff } = await import("../backoff.mjs"));
});

test("delays double from the first one up to the ceiling while crashes follow each other", () => {
  const backoff = new RestartBackoff({ initialMs: 500, maxMs: 10_000, stableMs: 10_000 });
  const delays = Array.from({ length: 8 }, () => backoff.nextDelay(100));
  expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
});

test("a run that lasted the stable time starts the delays over", () => {
  const backoff = new RestartBackoff({ initialMs: 500, maxMs: 10_000, stableMs: 10_000 });
  backoff.nextDelay(100);
  backoff.nextDelay(100);
  expect(backoff.nextDelay(10_000)).toBe(500);
  expect(backoff.nextDelay(9_999)).toBe(1000);
});
