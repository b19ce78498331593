import { CallFailure, MeshError, type PeerClient } from "@zmesh/mesh";
import express, { type Express } from "express";
import type { Registry } from "prom-client";

export interface AppOptions {
  peers: PeerClient;
  registry: Registry;
  /** Built web client (web-client/dist), served at /. */
  webRoot: string;
  streams: () => Record<string, { fps: number; viewers: number }>;
}

const REPORT_FORMATS = new Set(["json", "csv", "png"]);

/** The gateway's HTTP face: the web client, health, the mesh as JSON, reports, metrics. */
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

  // The latest report from the report worker, as JSON (default), CSV or a PNG chart.
  app.get(["/api/reports/latest", "/api/reports/latest.:format"], async (request, response) => {
    const { format = "json" } = request.params as { format?: string };
    if (!REPORT_FORMATS.has(format)) {
      response.status(400).json({ error: `format must be one of ${[...REPORT_FORMATS].join(", ")}` });
      return;
    }
    try {
      const report = await peers.call("report-worker", "report", Buffer.from(JSON.stringify({ format })), {
        timeoutMs: 5000,
        retryable: true,
        contentType: "application/json",
      });
      if (format === "csv") response.attachment("zmesh-report.csv");
      response.type(report.contentType).send(Buffer.from(report.payload));
    } catch (error) {
      const code = error instanceof MeshError ? error.code : "ERROR";
      response
        .status(code === CallFailure.NO_PEER ? 503 : 502)
        .json({ error: `report unavailable: ${code}` });
    }
  });

  app.get("/metrics", async (_request, response) => {
    response.type(registry.contentType).send(await registry.metrics());
  });

  app.use(express.static(webRoot));
  return app;
}
