import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export function gatewayMetrics(registry: Registry) {
  return {
    viewers: new Gauge({
      name: "zmesh_gateway_viewers",
      help: "Socket.IO clients connected.",
      registers: [registry],
    }),
    framesEmitted: new Counter({
      name: "zmesh_gateway_frames_emitted_total",
      help: "Frames sent to a stream's viewers (one per stream tick, whatever the number of viewers).",
      labelNames: ["stream"],
      registers: [registry],
    }),
    framesSkipped: new Counter({
      name: "zmesh_gateway_frames_skipped_total",
      help: "Stream ticks without a frame, by reason (busy: every image worker full; no_peer; timeout; error; overlap).",
      labelNames: ["stream", "reason"],
      registers: [registry],
    }),
    frameAge: new Histogram({
      name: "zmesh_gateway_frame_age_seconds",
      help: "Time from a stream tick (frame requested) to its emit.",
      buckets: [0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1],
      registers: [registry],
    }),
  };
}

export type GatewayMetrics = ReturnType<typeof gatewayMetrics>;
