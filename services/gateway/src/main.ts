import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import { PeerClient } from "@zmesh/mesh";
import {
  collectProcessMetrics,
  createLogger,
  loadConfigOrExit,
  mapperEndpointsOf,
  onShutdownSignal,
  securityFromSettings,
  startOrExit,
} from "@zmesh/mesh/service";
import { register } from "prom-client";
import { Server } from "socket.io";
import { ClientLimits } from "./clients/client-limits.js";
import { refusalReporter } from "./clients/refusals.js";
import { gatewayConfigSchema } from "./config.js";
import type { GatewayServer } from "./gateway-io.js";
import { gatewayMetrics } from "./gateway-metrics.js";
import { createApp } from "./http/app.js";
import { readiness } from "./http/readiness.js";
import { FrameHealth } from "./streams/frame-health.js";
import { StreamHub } from "./streams/stream-hub.js";

const config = loadConfigOrExit(gatewayConfigSchema);
const instanceId = `gateway-${hostname()}-${process.pid}`;
const logger = createLogger({ service: "gateway", instance: instanceId, level: config.LOG_LEVEL });
register.setDefaultLabels({ service: "gateway", instance_id: instanceId });
collectProcessMetrics();

const peers = new PeerClient({
  mapperEndpoints: mapperEndpointsOf(config),
  logger,
  defaultTimeoutMs: config.RENDER_TIMEOUT_MS,
  security: securityFromSettings(config, "gateway", logger),
});
const webRoot = fileURLToPath(new URL("../../../../web-client/dist", import.meta.url));
const metrics = gatewayMetrics(register);
const health = new FrameHealth();
let hub: StreamHub | undefined;
const app = createApp({
  peers,
  registry: register,
  webRoot,
  streams: () =>
    hub?.summary() ?? {
      streams: {},
      renderLoops: [],
      frames: { windowSeconds: 0, framesPerS: 0, workers: {} },
    },
  readiness: () =>
    readiness({
      now: Date.now(),
      lastDirectoryEventAt: peers.lastDirectoryEventAt,
      directoryStaleMs: config.READY_STALE_INTERVALS * config.HEARTBEAT_INTERVAL_MS,
      usableImageWorkers: peers.usableInstances("image-worker"),
      frames: health.state,
      maxFailedRenders: config.READY_FAILED_RENDERS,
    }),
});
const server = createServer(app);
// Binary frames only, no long-polling fallback needed by our client; keep messages small and bounded.
const io: GatewayServer = new Server(server, { maxHttpBufferSize: 16 * 1024, serveClient: false });
const limits = new ClientLimits({
  maxConnectionsPerAddress: config.MAX_CONNECTIONS_PER_ADDRESS,
  subscribeRatePerS: config.SUBSCRIBE_RATE_PER_S,
  subscribeBurst: config.SUBSCRIBE_BURST,
  trustForwardedFor: config.TRUST_FORWARDED_FOR,
  onRefused: refusalReporter(metrics.refusals, logger),
});
limits.install(io);
hub = new StreamHub(io, {
  defaultStream: "main",
  defaultFps: config.STREAM_FPS,
  maxFps: config.MAX_STREAM_FPS,
  renderTimeoutMs: config.RENDER_TIMEOUT_MS,
  peers,
  limits,
  metrics,
  health,
  logger,
});

await startOrExit(
  () =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.GATEWAY_PORT, config.GATEWAY_HOST, resolve);
    }),
  { GATEWAY_PORT: config.GATEWAY_PORT },
);
const { port } = server.address() as AddressInfo;
logger.info("gateway listening", { url: `http://${config.GATEWAY_HOST}:${port}/`, port });

onShutdownSignal(logger, async () => {
  hub?.close();
  await io.close();
  peers.close();
});
