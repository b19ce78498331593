import { ServiceRegistry } from "../src/mapper/registry.js";
import { sampleLoad } from "../testing/mod.js";

const load = (utilization: number) =>
  sampleLoad({ utilization, jobs: { echo: { used: Math.round(utilization * 4), slots: 4 } }, latencyMs: 1 });
const register = (instanceId: string, service = "echo") => ({
  id: 1,
  service,
  instanceId,
  endpoint: `tcp://127.0.0.1:${instanceId.length + 7000}`,
  load: load(0),
});

describe("service registry", () => {
  const interval = 1000;
  let registry: ServiceRegistry;
  beforeEach(() => {
    registry = new ServiceRegistry({ heartbeatIntervalMs: interval, expiryIntervals: 3 });
  });

  it("registers, lists by service and deregisters, reporting each change", () => {
    expect(registry.register(register("a"), 0).changes.map((c) => c.kind)).toEqual(["registered"]);
    registry.register(register("b", "other"), 0);
    expect(registry.list(10, "echo").map((i) => i.instanceId)).toEqual(["a"]);
    expect(registry.list(10)).toHaveLength(2);
    expect(registry.deregister("a", 20).map((c) => c.kind)).toEqual(["deregistered"]);
    expect(registry.deregister("a", 20)).toEqual([]);
  });

  it("answers an unknown instance's heartbeat with known: false (so it registers again)", () => {
    expect(registry.heartbeat("ghost", load(0), 0).known).toBe(false);
  });

  it("moves through passing, warning (saturated) and back on heartbeats", () => {
    registry.register(register("a"), 0);
    expect(registry.heartbeat("a", load(1), 100).changes.map((c) => c.instance.state)).toEqual(["warning"]);
    expect(registry.heartbeat("a", load(0.5), 200).changes.map((c) => c.instance.state)).toEqual(["passing"]);
    expect(registry.heartbeat("a", load(0.5), 300).changes).toEqual([]);
  });

  it("turns critical after 1.5 silent intervals and expires after 3", () => {
    registry.register(register("a"), 0);
    expect(registry.sweep(1500)).toEqual([]);
    expect(registry.sweep(1501).map((c) => [c.kind, c.instance.state])).toEqual([["state", "critical"]]);
    expect(registry.sweep(3000)).toEqual([]);
    const expired = registry.sweep(3001);
    expect(expired.map((c) => c.kind)).toEqual(["expired"]);
    expect(expired[0]?.instance.silentForMs).toBe(3001);
    expect(registry.size).toBe(0);
  });

  it("a heartbeat brings a critical instance back to passing", () => {
    registry.register(register("a"), 0);
    registry.sweep(2000);
    expect(registry.heartbeat("a", load(0), 2100).changes.map((c) => c.instance.state)).toEqual(["passing"]);
  });

  it("refuses a new instance once full, but lets a known one register again and frees room on leave", () => {
    const bounded = new ServiceRegistry({
      heartbeatIntervalMs: interval,
      expiryIntervals: 3,
      maxInstances: 2,
    });
    expect(bounded.register(register("a"), 0).admitted).toBe(true);
    expect(bounded.register(register("b"), 0).admitted).toBe(true);
    expect(bounded.register(register("c"), 0)).toEqual({
      admitted: false,
      refusal: "directory_full",
      changes: [],
    });
    expect(bounded.register(register("a"), 10).admitted).toBe(true);
    expect(bounded.size).toBe(2);
    bounded.deregister("b", 20);
    expect(bounded.register(register("c"), 30).admitted).toBe(true);
    expect(bounded.list(30).map((i) => i.instanceId)).toEqual(["a", "c"]);
  });
});
