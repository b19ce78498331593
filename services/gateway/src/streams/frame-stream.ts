import type { Logger } from "@zmesh/mesh";
import { failureLabel, type PeerClient } from "@zmesh/mesh";
import type { FrameEvent } from "../gateway-api.js";
import type { GatewayMetrics } from "../gateway-metrics.js";
import type { FrameHealth } from "./frame-health.js";

/** One render, before it is addressed to the streams that share it: a `frame` event but for those. */
export type RenderedFrame = Omit<FrameEvent<Buffer>, "stream" | "sentAt">;

/** Options of a FrameStream. */
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
 *
 * @example
 * ```ts
 * const loop = new FrameStream({ fps: 10, renderTimeoutMs: 1000, peers, metrics, health, logger,
 *   broadcast: (frame) => io.to("stream:main").volatile.emit("frame", { ...frame, stream: "main", sentAt: Date.now() }) });
 * loop.stop(); // when its last stream has no viewer left
 * ```
 */
export class FrameStream {
  readonly #timer: NodeJS.Timeout;
  readonly #fpsLabel: string;
  readonly #periodMs: number;
  #seq = 0;
  #rendering = false;
  #lastTickAt = performance.now();

  constructor(private readonly options: FrameStreamOptions) {
    this.#fpsLabel = String(options.fps);
    this.#periodMs = Math.round(1000 / options.fps);
    this.#timer = setInterval(() => this.#tick(), this.#periodMs);
  }

  /** The rate of this loop, in frames a second. */
  get fps(): number {
    return this.options.fps;
  }

  /** Renders asked for so far (skipped ticks not included). */
  get renders(): number {
    return this.#seq;
  }

  /** Stops the ticks; a render in flight still ends. */
  stop(): void {
    clearInterval(this.#timer);
  }

  #tick(): void {
    this.#countLateTicks();
    if (this.#rendering) {
      this.options.metrics.framesSkipped.inc({ fps: this.#fpsLabel, reason: "overlap" });
      return;
    }
    this.#rendering = true;
    void this.#render().finally(() => {
      this.#rendering = false;
    });
  }

  /**
   * A timer cannot fire while the event loop is held up (a flood of directory changes, say): the
   * ticks that never came are frames the viewers did not get, so they are counted as skipped too.
   */
  #countLateTicks(): void {
    const now = performance.now();
    const missed = Math.floor((now - this.#lastTickAt) / this.#periodMs) - 1;
    this.#lastTickAt = now;
    if (missed > 0) this.options.metrics.framesSkipped.inc({ fps: this.#fpsLabel, reason: "late" }, missed);
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
      const reason = failureLabel(error);
      metrics.framesSkipped.inc({ fps: this.#fpsLabel, reason });
      logger.debug("frame skipped", { fps: this.options.fps, reason });
    }
  }
}
