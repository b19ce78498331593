import { CallFailure, MeshError, type PeerClient } from "@zmesh/mesh";
import express, { type Express } from "express";
import type { Registry } from "prom-client";
import type {
  ApiError,
  Health,
  MeshResponse,
  Readiness,
  ReportFormat,
  StreamsSummary,
} from "../gateway-api.js";
import { meshQuerySchema, meshView } from "./mesh-view.js";

/** What the HTTP face serves from. */
export interface AppOptions {
  peers: PeerClient;
  registry: Registry;
  /** Built web client (web-client/dist), served at /. */
  webRoot: string;
  streams: () => StreamsSummary;
  /** Whether frames can be served now (see readiness). */
  readiness: () => Readiness;
}

const REPORT_FORMATS = new Set<string>(["json", "csv", "png"] satisfies ReportFormat[]);

/**
 * The gateway's HTTP face: the web client, health, the mesh as JSON, reports, metrics. Every JSON
 * body is a shape of gateway-api.ts.
 *
 * @example
 * ```ts
 * const app = createApp({ peers, registry: register, webRoot, streams: () => hub.summary(),
 *   readiness: () => readiness({ now: Date.now(), ...inputs }) });
 * createServer(app).listen(8080);
 * ```
 */
export function createApp({ peers, registry, webRoot, streams, readiness }: AppOptions): Express {
  const app = express();
  app.disable("x-powered-by");

  app.get("/healthz", (_request, response) => {
    response.json({ status: "ok" } satisfies Health);
  });

  app.get("/readyz", (_request, response) => {
    const state = readiness();
    response.status(state.ready ? 200 : 503).json(state);
  });

  // A summary per service and one page of instances: small and fast at thousands of instances.
  app.get("/api/mesh", (request, response) => {
    const query = meshQuerySchema.safeParse(request.query);
    if (!query.success) {
      const body: ApiError = { error: query.error.issues.map((issue) => issue.message).join("; ") };
      response.status(400).json(body);
      return;
    }
    response.json({ ...meshView(peers.directory, query.data), ...streams() } satisfies MeshResponse);
  });

  // The latest report from the report worker, as JSON (default), CSV or a PNG chart.
  app.get(["/api/reports/latest", "/api/reports/latest.:format"], async (request, response) => {
    const { format = "json" } = request.params as { format?: string };
    if (!REPORT_FORMATS.has(format)) {
      const body: ApiError = { error: `format must be one of ${[...REPORT_FORMATS].join(", ")}` };
      response.status(400).json(body);
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
      const body: ApiError = { error: `report unavailable: ${code}` };
      response.status(code === CallFailure.NO_PEER ? 503 : 502).json(body);
    }
  });

  app.get("/metrics", async (_request, response) => {
    response.type(registry.contentType).send(await registry.metrics());
  });

  app.use(express.static(webRoot));
  return app;
}
