import type { InstanceRecord } from "@zmesh/mesh";
import { directoryView, ROWS_BEFORE_SUMMARY, serviceSummary } from "../src/format.js";

const record = (service: string, index: number, state: InstanceRecord["state"], utilization: number) =>
  ({
    service,
    instanceId: `${service}-${String(index).padStart(5, "0")}`,
    endpoint: `tcp://127.0.0.1:${20_000 + index}`,
    load: {
      inFlight: 0,
      queued: 0,
      capacity: 4,
      utilization,
      jobs: {},
      latencyMs: 1,
      served: 0,
      refused: 0,
    },
    state,
    registeredAt: 0,
    silentForMs: 0,
  }) satisfies InstanceRecord;

describe("zmesh ls formatting", () => {
  it("lists every instance of a small directory, with no summary", () => {
    const view = directoryView([record("echo", 1, "passing", 0.5), record("echo", 2, "warning", 1)]);
    expect(view.split("\n")[0]).toMatch(/^SERVICE\s+INSTANCE\s+STATE/);
    expect(view).toContain("echo-00001");
    expect(view).toContain("echo-00002");
    expect(view).not.toContain("INSTANCES");
  });

  it("summarises 5,000 instances per service and shows only the first rows", () => {
    const instances = [
      ...Array.from({ length: 4998 }, (_, i) =>
        record("image-worker", i, i < 10 ? "critical" : "passing", 0.25),
      ),
      record("report-worker", 1, "warning", 1),
      record("report-worker", 2, "passing", 0),
    ];
    const view = directoryView(instances);
    const lines = view.trimEnd().split("\n");
    expect(lines.length).toBeLessThan(ROWS_BEFORE_SUMMARY + 10);
    expect(lines[0]).toMatch(/^SERVICE\s+INSTANCES\s+PASSING\s+WARNING\s+CRITICAL\s+LOAD MEAN\s+LOAD MAX$/);
    expect(lines[1]?.split(/\s+/)).toEqual(["image-worker", "4998", "4988", "0", "10", "25%", "25%"]);
    expect(lines[2]?.split(/\s+/)).toEqual(["report-worker", "2", "1", "1", "0", "50%", "100%"]);
    expect(view).toContain("image-worker-00049");
    expect(view).not.toContain("image-worker-00050");
    expect(lines.at(-1)).toBe("… and 4950 more instances (--all lists every one, --json prints them all)");
  });

  it("summary counts add up to the directory", () => {
    const summary = serviceSummary([record("a", 1, "passing", 0), record("b", 1, "critical", 0.5)]);
    expect(summary).toMatch(/^a\s+1\s+1\s+0\s+0\s+0%\s+0%$/m);
    expect(summary).toMatch(/^b\s+1\s+0\s+0\s+1\s+50%\s+50%$/m);
  });
});
