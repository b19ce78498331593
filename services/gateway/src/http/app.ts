import type { PeerClient } from "@zmesh/mesh";
import express, { type Express } from "express";
import type { Registry } from "prom-client";

export interface AppOptions {
  peers: PeerClient;
  registry: Registry;
  /** Built web client (web-client/dist), served at /. */
  webRoot: string;
  streams: () => Record<string, { fps: number; viewers: number }>;
}

/** The gateway's HTTP face: the web client, health, the mesh as JSON, metrics. */
export function createApp({ peers, registry, webRoot, streams }: AppOptions): Express {
  const app = express();
  app.disable("x-powered-by");

  app.get("/healthz", (_request, response) => {
    response.json({ status: "ok" });
  });

  // Ready once the mapper has answered and at least one image worker is known.
  app.get("/readyz", (_request, response) => {
    const mapper = peers.lastDirectoryEventAt > 0;
    const imageWorkers = peers.directory.instances("image-worker").length;
    const ready = mapper && imageWorkers > 0;
    response.status(ready ? 200 : 503).json({ ready, mapper, imageWorkers });
  });

  app.get("/api/mesh", (_request, response) => {
    const services = Object.fromEntries(
      peers.directory.services().map((service) => [
        service,
        peers.directory.instances(service).map((instance) => ({
          id: instance.instanceId,
          state: instance.state,
          load: instance.load.utilization,
          inFlight: instance.load.inFlight,
          queued: instance.load.queued,
          latencyMs: instance.load.latencyMs,
          endpoint: instance.endpoint,
        })),
      ]),
    );
    response.json({ epoch: peers.directory.epoch ?? null, services, streams: streams() });
  });

  app.get("/metrics", async (_request, response) => {
    response.type(registry.contentType).send(await registry.metrics());
  });

  app.use(express.static(webRoot));
  return app;
}
