import { PeerClient } from "../src/mod.js";
import type { useCleanup } from "./fixtures.js";
import { ServiceProcess, startMapperProcess } from "./service-process.js";
import { waitFor } from "./wait-for.js";

/** An image worker process named `name`, registering with the mapper at `mapperEndpoint`. */
export function startImageWorker(mapperEndpoint: string, name: string): ServiceProcess {
  return new ServiceProcess("services/image-worker/dist/src/main.js", {
    MAPPER_ENDPOINT: mapperEndpoint,
    WORKER_NAME: name,
  });
}

/**
 * The whole local system as real processes: mapper, image workers (alpha and beta unless told
 * otherwise), report worker, gateway.
 */
export async function startSystem(
  { group, closeLater }: ReturnType<typeof useCleanup>,
  gatewayEnv: Record<string, string> = {},
  imageWorkers: string[] = ["alpha", "beta"],
) {
  const { endpoint, mapper } = group.add(await startMapperProcess());
  const workers = imageWorkers.map((name) => startImageWorker(endpoint, name));
  const reports = new ServiceProcess("services/report-worker/dist/src/main.js", {
    MAPPER_ENDPOINT: endpoint,
    SAMPLE_INTERVAL_MS: "200",
  });
  group.add({ ...workers, reports });
  const gateway = new ServiceProcess("services/gateway/dist/src/main.js", {
    MAPPER_ENDPOINT: endpoint,
    GATEWAY_PORT: "0",
    ...gatewayEnv,
  });
  group.add({ gateway });
  const { port } = await gateway.waitForLog("gateway listening");
  const base = `http://127.0.0.1:${port}`;
  const peers = closeLater(new PeerClient({ mapperEndpoint: endpoint }));
  await waitFor(
    "the image workers and the report worker",
    () =>
      peers.directory.instances("image-worker").length === workers.length &&
      peers.directory.instances("report-worker").length === 1,
  );
  await waitFor("the gateway to know every image worker", async () => {
    const mesh = (await (await fetch(`${base}/api/mesh`)).json()) as { services: Record<string, unknown[]> };
    return mesh.services["image-worker"]?.length === workers.length;
  });
  return { base, workers, gateway, mapper, mapperEndpoint: endpoint };
}
