import { Registry } from "prom-client";
import { PeerClient, type PeerClientOptions } from "../src/mod.js";
import type { useCleanup } from "./fixtures.js";
import { startEchoWorker, startMapperProcess } from "./service-process.js";
import { mapperBindEnv, type Transport, workerBindEnv } from "./transports.js";
import { waitFor } from "./wait-for.js";

export interface EchoMeshOptions {
  workers: number;
  /** Where every socket (control, events, jobs) lives (default tcp). */
  transport?: Transport;
  heartbeatIntervalMs?: number;
  /** Settings for the client, beyond the mapper endpoint and a metrics registry of its own. */
  client?: Partial<PeerClientOptions>;
}

/**
 * A mapper, `workers` echo workers and a PeerClient that sees them all, as real processes cleaned
 * up after the test. The client counts into its own registry (`metrics`), for assertions.
 *
 * @example
 * const { client, workers } = await startEchoMesh(cleanup, { workers: 2, transport: "ipc" });
 */
export async function startEchoMesh(
  { group, closeLater }: ReturnType<typeof useCleanup>,
  { workers, transport = "tcp", heartbeatIntervalMs = 500, client = {} }: EchoMeshOptions,
) {
  const env = { HEARTBEAT_INTERVAL_MS: String(heartbeatIntervalMs) };
  const { mapper, endpoint } = group.add(await startMapperProcess({ ...env, ...mapperBindEnv(transport) }));
  const started = [];
  for (let i = 0; i < workers; i++)
    started.push(group.add(await startEchoWorker(endpoint, { ...env, ...workerBindEnv(transport) })));
  const metrics = new Registry();
  const peers = closeLater(new PeerClient({ mapperEndpoint: endpoint, metrics, ...client }));
  await waitFor("workers in the directory", () => peers.directory.instances("echo").length === workers);
  return { mapper, endpoint, workers: started, client: peers, metrics };
}
