import { PeerClient } from "@zmesh/mesh";
import type { useCleanup } from "../../../mesh/test/support/fixtures.js";
import { ServiceProcess, startMapperProcess } from "../../../mesh/test/support/service-process.js";
import { waitFor } from "../../../mesh/test/support/wait-for.js";

/** The whole local system as real processes: mapper, image workers alpha and beta, report worker, gateway. */
export async function startSystem(
  { group, closeLater }: ReturnType<typeof useCleanup>,
  gatewayEnv: Record<string, string> = {},
) {
  const { endpoint } = group.add(await startMapperProcess());
  const workers = ["alpha", "beta"].map(
    (name) =>
      new ServiceProcess("services/image-worker/dist/src/main.js", {
        MAPPER_ENDPOINT: endpoint,
        WORKER_NAME: name,
      }),
  );
  const reports = new ServiceProcess("services/report-worker/dist/src/main.js", {
    MAPPER_ENDPOINT: endpoint,
    SAMPLE_INTERVAL_MS: "200",
  });
  group.add({ alpha: workers[0], beta: workers[1], reports });
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
    "both image workers and the report worker",
    () =>
      peers.directory.instances("image-worker").length === 2 &&
      peers.directory.instances("report-worker").length === 1,
  );
  await waitFor("the gateway to know both image workers", async () => {
    const mesh = (await (await fetch(`${base}/api/mesh`)).json()) as { services: Record<string, unknown[]> };
    return mesh.services["image-worker"]?.length === 2;
  });
  return { base, workers, gateway };
}
