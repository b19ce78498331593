import type { Logger } from "@zmesh/mesh";
import { MeshError, type PeerClient } from "@zmesh/mesh";
import type { GatewayMetrics } from "../gateway-metrics.js";
import type { FrameHealth } from "./frame-health.js";

/** What a viewer receives with each `frame` event. */
export interface FrameEvent extends RenderedFrame {
  stream: string;
  /** Epoch ms when the frame was sent to this stream's viewers. */
  sentAt: number;
}

/** One render, before it is addressed to the streams that share it. */
export interface RenderedFrame {
  seq: number;
  /** The image-worker instance that rendered the frame. */
  worker: string;
  /** Epoch ms when the frame was asked for and rendered (reply received). */
  requestedAt: number;
  renderedAt: number;
  /** JPEG bytes, sent as a binary attachment (no base64). */
  jpeg: Buffer;
}

export interface FrameStreamOptions {
  fps: number;
  renderTimeoutMs: number;
  peers: PeerClient;
  /** Delivers a frame to every stream at this fps: one render fans out to all their viewers. */
  broadcast: (frame: RenderedFrame) => void;
  metrics: GatewayMetrics;
  health: FrameHealth;
  logger: Logger;
}

const EMPTY_JSON = Buffer.from("{}");

/**
 * The render loop of one frame rate: at each tick, one render request to the least loaded image
 * worker, shared by every stream at that fps. A tick that finds the previous render still running,
 * or every worker full, is skipped and counted: frames are never queued, so a slow mesh lowers the
 * frame rate instead of growing latency and memory.
 */
export class FrameStream {
  readonly #timer: NodeJS.Timeout;
  readonly #fpsLabel: string;
  #seq = 0;
  #rendering = false;

  constructor(private readonly options: FrameStreamOptions) {
    this.#fpsLabel = String(options.fps);
    this.#timer = setInterval(() => this.#tick(), Math.round(1000 / options.fps));
  }

  get fps(): number {
    return this.options.fps;
  }

  /** Renders asked for so far (skipped ticks not included). */
  get renders(): number {
    return this.#seq;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #tick(): void {
    if (this.#rendering) {
      this.options.metrics.framesSkipped.inc({ fps: this.#fpsLabel, reason: "overlap" });
      return;
    }
    this.#rendering = true;
    void this.#render().finally(() => {
      this.#rendering = false;
    });
  }

  async #render(): Promise<void> {
    const { peers, renderTimeoutMs, broadcast, metrics, health, logger } = this.options;
    const requestedAt = Date.now();
    const seq = ++this.#seq;
    try {
      // Retryable: a render has no side effect, so a worker that dies mid-frame costs a retry, not the tick.
      const reply = await peers.call("image-worker", "render", EMPTY_JSON, {
        timeoutMs: renderTimeoutMs,
        retryable: true,
        contentType: "application/json",
      });
      health.recordSuccess();
      broadcast({
        seq,
        worker: reply.servedBy,
        requestedAt,
        renderedAt: Date.now(),
        jpeg: Buffer.from(reply.payload.buffer, reply.payload.byteOffset, reply.payload.byteLength),
      });
      metrics.framesEmitted.inc({ fps: this.#fpsLabel });
      metrics.frameAge.observe((Date.now() - requestedAt) / 1000);
    } catch (error) {
      health.recordFailure();
      const reason = error instanceof MeshError ? error.code.toLowerCase() : "error";
      metrics.framesSkipped.inc({ fps: this.#fpsLabel, reason });
      logger.debug("frame skipped", { fps: this.options.fps, reason });
    }
  }
}
