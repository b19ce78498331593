import type { InstanceRecord } from "@zmesh/mesh";
import { DirectoryCache, sampleLoad } from "@zmesh/mesh/testing";
import { meshQuerySchema, meshView } from "../src/http/mesh-view.js";

function record(service: string, n: number, utilization: number, state: InstanceRecord["state"]) {
  const instanceId = `${service}-${String(n).padStart(5, "0")}`;
  return {
    service,
    instanceId,
    endpoint: `tcp://10.0.${Math.floor(n / 250)}.${n % 250}:7000`,
    state,
    load: sampleLoad({ utilization, served: n }),
  } as InstanceRecord;
}

/** 5,000 image workers (loads 0 to 0.9999, every 10th warning) and 2 report workers. */
function bigDirectory(): DirectoryCache {
  const directory = new DirectoryCache();
  const instances = [];
  for (let n = 4999; n >= 0; n--)
    instances.push(record("image-worker", n, n / 5000, n % 10 === 0 ? "warning" : "passing"));
  instances.push(record("report-worker", 1, 0.5, "passing"), record("report-worker", 0, 0.1, "critical"));
  directory.applySnapshot({ epoch: "e1", partial: false, instances });
  return directory;
}

const query = (input: Record<string, string>) => meshQuerySchema.parse(input);

describe("/api/mesh view", () => {
  const directory = bigDirectory();

  it("summarises every service: counts by state, mean and max load", () => {
    const view = meshView(directory, query({}));
    expect(view.summary["image-worker"]).toEqual({
      instances: 5000,
      states: { passing: 4500, warning: 500, critical: 0 },
      meanLoad: expect.closeTo(0.4999, 4),
      maxLoad: 0.9998,
    });
    expect(view.summary["report-worker"]).toMatchObject({
      instances: 2,
      states: { passing: 1, warning: 0, critical: 1 },
      maxLoad: 0.5,
    });
  });

  it("pages instances in order across services, 200 by default", () => {
    const first = meshView(directory, query({}));
    expect(first.page).toEqual({ offset: 0, limit: 200, total: 5002 });
    expect(first.services["image-worker"]).toHaveLength(200);
    expect(first.services["image-worker"]?.[0]).toEqual({
      id: "image-worker-00000",
      state: "warning",
      load: 0,
      inFlight: 0,
      queued: 0,
      latencyMs: 0,
      served: 0,
      endpoint: "tcp://10.0.0.0:7000",
    });
    expect(first.services["report-worker"]).toBeUndefined();

    const last = meshView(directory, query({ offset: "4999", limit: "10" }));
    expect(last.services["image-worker"]?.map((i) => i.id)).toEqual(["image-worker-04999"]);
    expect(last.services["report-worker"]?.map((i) => i.id)).toEqual([
      "report-worker-00000",
      "report-worker-00001",
    ]);
    expect(meshView(directory, query({ offset: "6000" })).services).toEqual({});
  });

  it("filters one service", () => {
    const view = meshView(directory, query({ service: "report-worker" }));
    expect(Object.keys(view.summary)).toEqual(["report-worker"]);
    expect(view.page.total).toBe(2);
    expect(meshView(directory, query({ service: "nobody" }))).toMatchObject({
      summary: {},
      page: { total: 0 },
    });
  });

  it("refuses a bad query", () => {
    for (const bad of [
      { limit: "0" },
      { limit: "5000" },
      { offset: "-1" },
      { service: "../x" },
      { limit: "ten" },
    ])
      expect(meshQuerySchema.safeParse(bad).success).toBe(false);
  });

  it("keeps the answer small at 5,000 instances", () => {
    const bytes = JSON.stringify(meshView(directory, query({}))).length;
    expect(bytes).toBeLessThan(64 * 1024);
  });
});
