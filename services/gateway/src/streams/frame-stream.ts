import type { Logger } from "@zmesh/mesh";
import { MeshError, type PeerClient } from "@zmesh/mesh";
import type { GatewayMetrics } from "../gateway-metrics.js";

/** What a viewer receives with each `frame` event. */
export interface FrameEvent {
  stream: string;
  seq: number;
  /** The image-worker instance that rendered the frame. */
  worker: string;
  /** Epoch ms when the frame was asked for, rendered (reply received) and sent. */
  requestedAt: number;
  renderedAt: number;
  sentAt: number;
  /** JPEG bytes, sent as a binary attachment (no base64). */
  jpeg: Buffer;
}

export interface FrameStreamOptions {
  name: string;
  fps: number;
  renderTimeoutMs: number;
  peers: PeerClient;
  /** Delivers a frame to every viewer of the stream: one render fans out to all of them. */
  broadcast: (frame: FrameEvent) => void;
  metrics: GatewayMetrics;
  logger: Logger;
}

const EMPTY_JSON = Buffer.from("{}");

/**
 * One named stream: at each tick, one render request to the least loaded image worker. A tick that
 * finds the previous render still running, or every worker full, is skipped and counted: frames are
 * never queued, so a slow mesh lowers the frame rate instead of growing latency and memory.
 */
export class FrameStream {
  readonly #timer: NodeJS.Timeout;
  #seq = 0;
  #rendering = false;

  constructor(private readonly options: FrameStreamOptions) {
    this.#timer = setInterval(() => this.#tick(), Math.round(1000 / options.fps));
  }

  get fps(): number {
    return this.options.fps;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #tick(): void {
    const { name, metrics } = this.options;
    if (this.#rendering) {
      metrics.framesSkipped.inc({ stream: name, reason: "overlap" });
      return;
    }
    this.#rendering = true;
    void this.#render().finally(() => {
      this.#rendering = false;
    });
  }

  async #render(): Promise<void> {
    const { name, peers, renderTimeoutMs, broadcast, metrics, logger } = this.options;
    const requestedAt = Date.now();
    try {
      // Retryable: a render has no side effect, so a worker that dies mid-frame costs a retry, not the tick.
      const reply = await peers.call("image-worker", "render", EMPTY_JSON, {
        timeoutMs: renderTimeoutMs,
        retryable: true,
        contentType: "application/json",
      });
      const renderedAt = Date.now();
      broadcast({
        stream: name,
        seq: ++this.#seq,
        worker: reply.servedBy,
        requestedAt,
        renderedAt,
        sentAt: Date.now(),
        jpeg: Buffer.from(reply.payload.buffer, reply.payload.byteOffset, reply.payload.byteLength),
      });
      metrics.framesEmitted.inc({ stream: name });
      metrics.frameAge.observe((Date.now() - requestedAt) / 1000);
    } catch (error) {
      const reason = error instanceof MeshError ? error.code.toLowerCase() : "error";
      metrics.framesSkipped.inc({ stream: name, reason });
      logger.debug("frame skipped", { stream: name, reason });
    }
  }
}
