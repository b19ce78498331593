import { LogThrottle } from "../src/observability/log-throttle.js";

describe("log throttle", () => {
  it("writes the first lines of each kind per window, then one carrying the count held back", () => {
    let now = 0;
    const throttle = new LogThrottle({ linesPerWindow: 2, windowMs: 1000, now: () => now });
    const written: string[] = [];
    const log = (kind: string) => throttle.log(kind, (heldBack) => written.push(`${kind}:${heldBack}`));
    for (let i = 0; i < 50_000; i++) log("registered");
    log("expired");
    expect(written).toEqual(["registered:0", "registered:0", "expired:0"]);
    now = 1000;
    log("registered");
    log("registered");
    log("registered");
    expect(written.slice(3)).toEqual(["registered:49998", "registered:0"]);
  });
});
