import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { PeerClient } from "@zmesh/mesh";
import { startEchoWorker, startSystem, useCleanup, waitFor } from "@zmesh/mesh/testing";
import {
  type DocumentedMetric,
  documentedMetrics,
  type Exposition,
  parseExposition,
} from "./support/metrics-exposition.js";

// docs/metrics.md lists exactly the zmesh metrics the services expose on a live mesh: names,
// types, the services that serve each, and every label their samples carry.

const repoRoot = resolve(__dirname, "../../..");
const cleanup = useCleanup();

/** Every service's /metrics, scraped once the mesh is up and has done some work. */
async function scrapeLiveMesh(): Promise<Map<string, Exposition>> {
  const system = await startSystem(cleanup);
  const echo = cleanup.group.add(await startEchoWorker(system.mapperEndpoint));
  await echo.worker.waitForLog("registered");
  const peers = cleanup.closeLater(new PeerClient({ mapperEndpoint: system.mapperEndpoint }));
  await waitFor("the echo worker in the directory", () => peers.directory.count("echo") === 1);
  // Some work, so labelled series have samples: a report (which asks an image worker for a frame).
  await peers.call("report-worker", "report", Buffer.from('{"format":"json"}'), { timeoutMs: 10_000 });
  await peers.call("echo", "sleep", Buffer.from('{"ms":1}'), { timeoutMs: 5000 });

  const { port: mapperPort } = await system.mapper.waitForLog("metrics listening");
  const pages = new Map<string, string>([
    ["mapper", `http://127.0.0.1:${mapperPort}/metrics`],
    ["gateway", `${system.base}/metrics`],
  ]);
  for (const instance of peers.directory.all())
    pages.set(instance.service, `http://${instance.metricsAddress}/metrics`);
  const scraped = new Map<string, Exposition>();
  for (const [service, url] of pages) scraped.set(service, parseExposition(await (await fetch(url)).text()));
  return scraped;
}

test("docs/metrics.md lists every zmesh metric each service exposes, with its type and labels", async () => {
  const documented = documentedMetrics(readFileSync(resolve(repoRoot, "docs/metrics.md"), "utf8"));
  const scraped = await scrapeLiveMesh();
  expect([...scraped.keys()].sort()).toEqual(["echo", "gateway", "image-worker", "mapper", "report-worker"]);

  const exposed = new Map<string, DocumentedMetric>();
  const labelsSeen = new Map<string, Set<string>>();
  for (const [service, metrics] of scraped)
    for (const [name, { type, labels }] of metrics) {
      if (!name.startsWith("zmesh_")) continue;
      const entry = exposed.get(name) ?? { type, labels: [], services: [] };
      entry.services.push(service);
      exposed.set(name, entry);
      labelsSeen.set(name, new Set([...(labelsSeen.get(name) ?? []), ...labels]));
    }

  const namesAndWhere = (metrics: Map<string, DocumentedMetric>) =>
    Object.fromEntries(
      [...metrics].map(([name, { type, services }]) => [
        name,
        `${type} on ${[...services].sort().join(", ")}`,
      ]),
    );
  expect(namesAndWhere(documented)).toEqual(namesAndWhere(exposed));
  for (const [name, seen] of labelsSeen)
    expect({
      name,
      undocumented: [...seen].filter((label) => !documented.get(name)?.labels.includes(label)),
    }).toEqual({
      name,
      undocumented: [],
    });
  // The other metrics are prom-client's defaults, which the doc describes as a group.
  for (const metrics of scraped.values())
    for (const name of metrics.keys()) expect(name).toMatch(/^(zmesh|process|nodejs)_/);
});
