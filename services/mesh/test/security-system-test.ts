import { ServiceProcess, startMapperProcess, temporaryKeySet, useCleanup, waitFor } from "../testing/mod.js";

// The whole system with CURVE on every socket, as make run starts it: the gateway asks the report
// worker for a report, which asks an image worker for its thumbnail; every hop dials the next
// with the key its record names.

const { group } = useCleanup();
const keySet = temporaryKeySet(["image-worker", "report-worker", "gateway"]);
afterAll(() => keySet.remove());

describe("the system with CURVE", () => {
  jest.setTimeout(90_000);

  it("serves the gateway's readiness and a report with an image worker's thumbnail", async () => {
    const { endpoint } = group.add(await startMapperProcess(keySet.env));
    const member = (script: string, env: Record<string, string> = {}) =>
      new ServiceProcess(`services/${script}/dist/src/main.js`, {
        ...keySet.env,
        MAPPER_ENDPOINT: endpoint,
        ...env,
      });
    const workers = ["alpha", "beta"].map((name) => member("image-worker", { WORKER_NAME: name }));
    const reports = member("report-worker", { SAMPLE_INTERVAL_MS: "200" });
    const gateway = member("gateway", { GATEWAY_PORT: "0" });
    group.add({ ...workers, reports, gateway });
    const base = `http://127.0.0.1:${(await gateway.waitForLog("gateway listening", 30_000)).port}`;

    const readiness = await waitFor(
      "the gateway ready with both image workers",
      async () => {
        const response = await fetch(`${base}/readyz`);
        const body = (await response.json()) as { imageWorkers: number };
        return response.status === 200 && body.imageWorkers === 2 && body;
      },
      30_000,
    );
    expect(readiness).toMatchObject({ ready: true, mapper: true });
    // A cold image worker's first frame may miss the report's 1 s budget: the report then has no
    // thumbnail (as without CURVE). Ask again until one has it.
    const report = await waitFor(
      "a report with a thumbnail",
      async () => {
        const response = await fetch(`${base}/api/reports/latest.json`);
        const body = (await response.json()) as { thumbnail?: { worker: string } };
        return response.status === 200 && body.thumbnail !== undefined && body;
      },
      20_000,
    );
    expect(["image-worker-alpha", "image-worker-beta"]).toContain(report.thumbnail?.worker);
    for (const service of [...workers, reports, gateway]) {
      expect(service.running).toBe(true);
      expect(service.logs.some((line) => line.message === "CURVE on")).toBe(true);
    }
  });
});
