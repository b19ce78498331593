import type { Logger, PeerClient } from "@zmesh/mesh";
import type { Server, Socket } from "socket.io";
import type { GatewayMetrics } from "../gateway-metrics.js";
import { type FrameEvent, FrameStream } from "./frame-stream.js";
import { type SubscribeAnswer, subscriptionSchema } from "./subscription.js";

export interface StreamHubOptions {
  defaultStream: string;
  defaultFps: number;
  maxFps: number;
  renderTimeoutMs: number;
  peers: PeerClient;
  metrics: GatewayMetrics;
  logger: Logger;
}

const room = (stream: string) => `stream:${stream}`;

/**
 * Viewers and their streams. A viewer watches one stream at a time (the default one on connecting);
 * a stream renders while it has viewers and stops when the last one leaves. Frames go out as
 * volatile emits: a viewer still flushing the previous frame misses this one instead of piling up
 * frames in the gateway's memory.
 */
export class StreamHub {
  readonly #streams = new Map<string, { stream: FrameStream; viewers: number }>();
  readonly #schema;

  constructor(
    private readonly io: Server,
    private readonly options: StreamHubOptions,
  ) {
    this.#schema = subscriptionSchema(options.maxFps);
    io.on("connection", (socket) => this.#connected(socket));
  }

  /** Streams with viewers now: name → fps and viewer count. */
  summary(): Record<string, { fps: number; viewers: number }> {
    return Object.fromEntries(
      [...this.#streams].map(([name, s]) => [name, { fps: s.stream.fps, viewers: s.viewers }]),
    );
  }

  close(): void {
    for (const { stream } of this.#streams.values()) stream.stop();
    this.#streams.clear();
  }

  #connected(socket: Socket): void {
    this.options.metrics.viewers.inc();
    this.#watch(socket, this.options.defaultStream, this.options.defaultFps);
    socket.on("subscribe", (input: unknown, ack?: unknown) => {
      const answer = this.#subscribe(socket, input);
      if (typeof ack === "function") ack(answer);
      else socket.emit(answer.ok ? "subscribed" : "subscribe:error", answer);
    });
    socket.on("disconnect", () => {
      this.options.metrics.viewers.dec();
      this.#leave(socket);
    });
  }

  #subscribe(socket: Socket, input: unknown): SubscribeAnswer {
    const parsed = this.#schema.safeParse(input);
    if (!parsed.success) {
      return { ok: false, error: parsed.error.issues.map((issue) => issue.message).join("; ") };
    }
    const fps = this.#watch(socket, parsed.data.stream, parsed.data.fps ?? this.options.defaultFps);
    return { ok: true, stream: parsed.data.stream, fps };
  }

  /** Moves the socket to `name`, creating the stream at `fps` if nobody watches it yet; returns its fps. */
  #watch(socket: Socket, name: string, fps: number): number {
    if (socket.data.stream === name) return this.#streams.get(name)?.stream.fps ?? fps;
    this.#leave(socket);
    let entry = this.#streams.get(name);
    if (!entry) {
      entry = { stream: this.#startStream(name, fps), viewers: 0 };
      this.#streams.set(name, entry);
    }
    entry.viewers++;
    socket.data.stream = name;
    void socket.join(room(name));
    return entry.stream.fps;
  }

  #leave(socket: Socket): void {
    const name = socket.data.stream as string | undefined;
    if (name === undefined) return;
    socket.data.stream = undefined;
    void socket.leave(room(name));
    const entry = this.#streams.get(name);
    if (entry && --entry.viewers === 0) {
      entry.stream.stop();
      this.#streams.delete(name);
    }
  }

  #startStream(name: string, fps: number): FrameStream {
    const { renderTimeoutMs, peers, metrics, logger } = this.options;
    this.options.logger.info("stream started", { stream: name, fps });
    return new FrameStream({
      name,
      fps,
      renderTimeoutMs,
      peers,
      metrics,
      logger,
      broadcast: (frame: FrameEvent) => this.io.to(room(name)).volatile.emit("frame", frame),
    });
  }
}
