import { TokenBucket } from "../src/clients/token-bucket.js";

describe("token bucket", () => {
  it("allows a burst, then refuses until tokens come back at the rate", () => {
    const bucket = new TokenBucket(2, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(bucket.take(499)).toBe(false); // 0.998 of a token back at 2/s
    expect(bucket.take(500)).toBe(true);
    expect(bucket.take(500)).toBe(false);
    expect(bucket.take(1000)).toBe(true);
  });

  it("never holds more than its burst, however long it was idle", () => {
    const bucket = new TokenBucket(10, 2, 0);
    const taken = [1, 2, 3].map(() => bucket.take(60_000));
    expect(taken).toEqual([true, true, false]);
  });

  it("is not refilled by a clock that goes back", () => {
    const bucket = new TokenBucket(1, 1, 10_000);
    expect(bucket.take(10_000)).toBe(true);
    expect(bucket.take(5_000)).toBe(false);
  });
});
