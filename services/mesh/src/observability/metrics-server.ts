import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** Extra `GET` paths served as JSON beside `/metrics`, each answered with what its function returns now. */
export type JsonRoutes = Readonly<Record<string, () => unknown>>;

/**
 * Serves `GET /metrics` for Prometheus. Services without a web framework use this one.
 *
 * @example The mapper also serves Prometheus service discovery from its directory:
 * ```ts
 * await serveMetrics(register, 9100, "0.0.0.0", { "/sd": () => scrapeTargets(mapper.instances()) });
 * ```
 */
export async function serveMetrics(
  registry: Registry,
  port: number,
  host = "0.0.0.0",
  jsonRoutes: JsonRoutes = {},
): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    const path = request.url?.split("?")[0] ?? "";
    const jsonRoute = Object.hasOwn(jsonRoutes, path) ? jsonRoutes[path] : undefined;
    if (request.method === "GET" && jsonRoute) {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(jsonRoute()));
      return;
    }
    if (request.method !== "GET" || path !== "/metrics") {
      response.writeHead(404).end("not found\n");
      return;
    }
    registry.metrics().then(
      (body) => response.writeHead(200, { "content-type": registry.contentType }).end(body),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
