import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { REFUSAL_REASONS } from "./clients/refusals.js";

/**
 * The gateway's own metrics. Labels are bounded by settings, never by what clients choose: frames
 * are counted per render loop (fps, at most MAX_STREAM_FPS values), not per client-named stream.
 */
export function gatewayMetrics(registry: Registry) {
  const metrics = {
    viewers: new Gauge({
      name: "zmesh_gateway_viewers",
      help: "Socket.IO clients connected.",
      registers: [registry],
    }),
    renderLoops: new Gauge({
      name: "zmesh_gateway_render_loops",
      help: "Render loops running: one per distinct stream fps with viewers, shared by every stream at that fps.",
      registers: [registry],
    }),
    framesEmitted: new Counter({
      name: "zmesh_gateway_frames_emitted_total",
      help: "Frames rendered and sent, by render loop (one per tick, whatever the number of streams and viewers).",
      labelNames: ["fps"],
      registers: [registry],
    }),
    framesSkipped: new Counter({
      name: "zmesh_gateway_frames_skipped_total",
      help: "Render ticks without a frame, by reason (busy: every image worker full; no_peer; timeout; error; overlap: the previous render still running; late: the tick never fired, the event loop was held up).",
      labelNames: ["fps", "reason"],
      registers: [registry],
    }),
    frameAge: new Histogram({
      name: "zmesh_gateway_frame_age_seconds",
      help: "Time from a stream tick (frame requested) to its emit.",
      buckets: [0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1],
      registers: [registry],
    }),
    refusals: new Counter({
      name: "zmesh_gateway_refusals_total",
      help: "Client actions refused by a limit (connections_per_address, subscribe_rate).",
      labelNames: ["reason"],
      registers: [registry],
    }),
  };
  // Refusals start at zero, so a rate over them has a series before the first one.
  for (const reason of REFUSAL_REASONS) metrics.refusals.inc({ reason }, 0);
  return metrics;
}

/** The gateway's metrics, by name (see gatewayMetrics). */
export type GatewayMetrics = ReturnType<typeof gatewayMetrics>;
