import type { Logger, PeerClient } from "@zmesh/mesh";
import type { ClientLimits } from "../clients/client-limits.js";
import type { FrameEvent, StreamsSummary, SubscribeAnswer } from "../gateway-api.js";
import type { GatewayServer, GatewaySocket } from "../gateway-io.js";
import type { GatewayMetrics } from "../gateway-metrics.js";
import type { FrameHealth } from "./frame-health.js";
import { FrameStream, type RenderedFrame } from "./frame-stream.js";
import { subscriptionSchema } from "./subscription.js";
import { WorkerFrameRates } from "./worker-frame-rates.js";

/** Options of a StreamHub, from the gateway's settings and its parts. */
export interface StreamHubOptions {
  defaultStream: string;
  defaultFps: number;
  maxFps: number;
  renderTimeoutMs: number;
  peers: PeerClient;
  limits: ClientLimits;
  metrics: GatewayMetrics;
  health: FrameHealth;
  logger: Logger;
}

const room = (stream: string) => `stream:${stream}`;
/** Per-worker frame rates look this far back: long enough to be steady at 1 fps, short enough to follow scaling. */
const RATES_WINDOW_MS = 5000;
/** MAX_STREAM_FPS is at most a few dozen, so this is seconds' worth of frames at any setting. */
const RATES_MAX_FRAMES = 10_000;

/**
 * Viewers and their streams. A viewer watches one stream at a time (the default one on connecting);
 * streams at the same fps share one render loop, started with the first of them and stopped with
 * the last, so render cost is bounded by the number of distinct fps values, whatever clients ask.
 * Frames go out as volatile emits: a viewer still flushing the previous frame misses this one
 * instead of piling up frames in the gateway's memory.
 *
 * @example
 * ```ts
 * const hub = new StreamHub(io, { defaultStream: "main", defaultFps: 10, maxFps: 30, renderTimeoutMs: 1000,
 *   peers, limits, metrics, health, logger });
 * const app = createApp({ ...others, streams: () => hub.summary() }); // in GET /api/mesh
 * hub.close(); // on shutdown, before io.close()
 * ```
 */
export class StreamHub {
  readonly #streams = new Map<string, { fps: number; viewers: number }>();
  readonly #loops = new Map<number, { stream: FrameStream; streams: Set<string> }>();
  readonly #schema;
  readonly #rates = new WorkerFrameRates({ windowMs: RATES_WINDOW_MS, maxFrames: RATES_MAX_FRAMES });

  constructor(
    private readonly io: GatewayServer,
    private readonly options: StreamHubOptions,
  ) {
    this.#schema = subscriptionSchema(options.maxFps);
    io.on("connection", (socket) => this.#connected(socket));
  }

  /** The streams watched now, the render loops feeding them, and who rendered lately (part of GET /api/mesh). */
  summary(): StreamsSummary {
    return {
      streams: Object.fromEntries(this.#streams),
      renderLoops: [...this.#loops].map(([fps, loop]) => ({
        fps,
        streams: loop.streams.size,
        renders: loop.stream.renders,
      })),
      frames: this.#rates.snapshot(),
    };
  }

  /** Stops every render loop and forgets every stream (the sockets are Socket.IO's to close). */
  close(): void {
    for (const { stream } of this.#loops.values()) stream.stop();
    this.#loops.clear();
    this.#streams.clear();
    this.options.metrics.renderLoops.set(0);
  }

  #connected(socket: GatewaySocket): void {
    if (!this.options.limits.admit(socket)) return;
    this.options.metrics.viewers.inc();
    this.#watch(socket, this.options.defaultStream, this.options.defaultFps);
    // Typed as the client should send it, taken as unknown: a client's message is a claim.
    socket.on("subscribe", (input: unknown, ack: unknown) => {
      const answer = this.#subscribe(socket, input);
      if (typeof ack === "function") ack(answer);
      else if (answer.ok) socket.emit("subscribed", answer);
      else socket.emit("subscribe:error", answer);
    });
    socket.on("disconnect", () => {
      this.options.metrics.viewers.dec();
      this.#leave(socket);
    });
  }

  #subscribe(socket: GatewaySocket, input: unknown): SubscribeAnswer {
    // Checked before parsing: a flood of bad input costs as much as a flood of good input.
    const refusal = this.options.limits.checkSubscribe(socket);
    if (refusal) return { ok: false, ...refusal };
    const parsed = this.#schema.safeParse(input);
    if (!parsed.success) {
      return { ok: false, error: parsed.error.issues.map((issue) => issue.message).join("; ") };
    }
    const fps = this.#watch(socket, parsed.data.stream, parsed.data.fps ?? this.options.defaultFps);
    return { ok: true, stream: parsed.data.stream, fps };
  }

  /** Moves the socket to `name`, creating the stream at `fps` if nobody watches it yet; returns its fps. */
  #watch(socket: GatewaySocket, name: string, fps: number): number {
    if (socket.data.stream === name) return this.#streams.get(name)?.fps ?? fps;
    this.#leave(socket);
    let entry = this.#streams.get(name);
    if (!entry) {
      entry = { fps, viewers: 0 };
      this.#streams.set(name, entry);
      this.#loopFor(fps).streams.add(name);
    }
    entry.viewers++;
    socket.data.stream = name;
    void socket.join(room(name));
    return entry.fps;
  }

  #leave(socket: GatewaySocket): void {
    const name = socket.data.stream;
    if (name === undefined) return;
    socket.data.stream = undefined;
    void socket.leave(room(name));
    const entry = this.#streams.get(name);
    if (!entry || --entry.viewers > 0) return;
    this.#streams.delete(name);
    const loop = this.#loops.get(entry.fps);
    loop?.streams.delete(name);
    if (loop?.streams.size === 0) {
      loop.stream.stop();
      this.#loops.delete(entry.fps);
      this.options.metrics.renderLoops.set(this.#loops.size);
      this.options.logger.info("render loop stopped", { fps: entry.fps });
    }
  }

  /** The render loop at `fps`, started on first need. */
  #loopFor(fps: number): { stream: FrameStream; streams: Set<string> } {
    const existing = this.#loops.get(fps);
    if (existing) return existing;
    const { renderTimeoutMs, peers, metrics, health, logger } = this.options;
    const streams = new Set<string>();
    const stream = new FrameStream({
      fps,
      renderTimeoutMs,
      peers,
      metrics,
      health,
      logger,
      broadcast: (frame) => this.#broadcast(streams, frame),
    });
    const loop = { stream, streams };
    this.#loops.set(fps, loop);
    metrics.renderLoops.set(this.#loops.size);
    logger.info("render loop started", { fps });
    return loop;
  }

  /** One render to every stream of its loop, each viewer seeing its own stream's name. */
  #broadcast(streams: ReadonlySet<string>, frame: RenderedFrame): void {
    this.#rates.record(frame.worker, frame.renderedAt - frame.requestedAt, frame.renderedAt);
    for (const name of streams) {
      const event: FrameEvent = { ...frame, stream: name, sentAt: Date.now() };
      this.io.to(room(name)).volatile.emit("frame", event);
    }
  }
}
