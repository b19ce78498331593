import { fakeRegistration, registerAll, startMapperProcess, useCleanup } from "@zmesh/mesh/testing";

// GET /sd on the mapper's metrics port: what Prometheus's http_sd_configs scrapes (deploy/prometheus).

const { group } = useCleanup();

async function targetsOf(port: number): Promise<unknown> {
  const response = await fetch(`http://127.0.0.1:${port}/sd`);
  expect(response.headers.get("content-type")).toBe("application/json");
  return response.json();
}

describe("mapper scrape targets", () => {
  it("lists each registered instance's metrics address, labelled with its service and instance id", async () => {
    const { mapper, endpoint } = group.add(await startMapperProcess());
    const metricsPort = Number((await mapper.waitForLog("metrics listening")).port);
    expect(await targetsOf(metricsPort)).toEqual([]);

    const worker = fakeRegistration(1, "image-worker");
    const report = fakeRegistration(2, "report-worker");
    const { metricsAddress: _, ...silent } = fakeRegistration(3, "image-worker");
    const elsewhere = { ...fakeRegistration(4, "image-worker"), metricsAddress: "10.9.9.9:9100" };
    expect(await registerAll(endpoint, [worker, report, silent, elsewhere])).toEqual([
      "ACK",
      "ACK",
      "ACK",
      "ACK",
    ]);

    const targets = (await targetsOf(metricsPort)) as { labels: { instance: string } }[];
    expect(targets.sort((a, b) => a.labels.instance.localeCompare(b.labels.instance))).toEqual([
      { targets: [worker.metricsAddress], labels: { service: "image-worker", instance: worker.instanceId } },
      { targets: [report.metricsAddress], labels: { service: "report-worker", instance: report.instanceId } },
    ]);
  });

  it("still answers 404 on paths it does not serve, and serves /metrics", async () => {
    const { mapper } = group.add(await startMapperProcess());
    const metricsPort = Number((await mapper.waitForLog("metrics listening")).port);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/sd/x`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/sd`, { method: "POST" })).status).toBe(404);
    expect(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()).toContain(
      "zmesh_registry_instances",
    );
  });
});
