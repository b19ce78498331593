import { io, type Socket } from "socket.io-client";
import type { FrameEvent } from "../src/gateway-api.js";

/** One frame as the viewer saw it. */
export interface SeenFrame {
  /** Epoch ms of arrival at the viewer. */
  at: number;
  seq: number;
  worker: string;
  /** From the gateway's ask to the worker's answer (ms): a hedged or retried render shows here. */
  renderMs: number;
}

/** What a viewer saw of the stream between two instants. */
export interface WindowView {
  seconds: number;
  frames: number;
  fps: number;
  /** Longest time without a frame inside the window (edges clipped to the window). */
  largestGapMs: number;
  /** Stream ticks that brought this viewer no frame, per second. */
  ticksWithoutFramePerS: number;
  renderMsP50: number;
  renderMsMax: number;
  byWorker: Record<string, number>;
}

/** One Socket.IO viewer of the default stream, recording every frame's arrival, seq and worker. */
export class FrameRecorder {
  readonly frames: SeenFrame[] = [];
  readonly #socket: Socket;

  constructor(base: string) {
    this.#socket = io(base, { transports: ["websocket"], forceNew: true });
    this.#socket.on("frame", (frame: FrameEvent) =>
      this.frames.push({
        at: Date.now(),
        seq: frame.seq,
        worker: frame.worker,
        renderMs: frame.renderedAt - frame.requestedAt,
      }),
    );
  }

  /** The stream between `from` and `to` (epoch ms), at `fps` ticks a second. */
  view(from: number, to: number, fps: number): WindowView {
    const inside = this.frames.filter((f) => f.at > from && f.at <= to);
    const before = this.frames.filter((f) => f.at <= from).at(-1);
    const after = this.frames.find((f) => f.at > to);
    const arrivals = [before?.at ?? from, ...inside.map((f) => f.at), after?.at ?? to];
    let largestGapMs = 0;
    for (let i = 1; i < arrivals.length; i++) {
      const gap = Math.min(arrivals[i] as number, to) - Math.max(arrivals[i - 1] as number, from);
      largestGapMs = Math.max(largestGapMs, gap);
    }
    const seconds = (to - from) / 1000;
    const renderMs = inside.map((f) => f.renderMs).sort((a, b) => a - b);
    const byWorker: Record<string, number> = {};
    for (const f of inside) byWorker[f.worker] = (byWorker[f.worker] ?? 0) + 1;
    return {
      seconds,
      frames: inside.length,
      fps: inside.length / seconds,
      largestGapMs,
      ticksWithoutFramePerS: Math.max(0, fps * seconds - inside.length) / seconds,
      renderMsP50: renderMs[Math.floor(renderMs.length / 2)] ?? Number.NaN,
      renderMsMax: renderMs.at(-1) ?? Number.NaN,
      byWorker,
    };
  }

  close(): void {
    this.#socket.close();
  }
}
