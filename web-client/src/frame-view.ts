import type { FrameEvent } from "@zmesh/gateway/api";
import { byId } from "./dom.js";
import type { FrameHistory } from "./frame-history.js";
import { shortName } from "./worker-colors.js";

/** Frames a second here are counted over this many ms. */
const FPS_WINDOW_MS = 2000;

/**
 * The frame, its figures (worker, frames a second here, age, number) and the history strip. Frames
 * a second are recounted on every tick, not only on arrival, so they fall to 0 when frames stop.
 */
export class FrameView {
  readonly #image = byId<HTMLImageElement>("frame");
  readonly #arrivals: number[] = [];
  #shownUrl: string | undefined;
  #lastFrameAt: number | undefined;

  constructor(private readonly history: FrameHistory) {}

  /** Epoch ms of the last frame received (undefined: none yet). */
  get lastFrameAt(): number | undefined {
    return this.#lastFrameAt;
  }

  /** Shows a frame just received. */
  show(frame: FrameEvent<ArrayBuffer>, now = Date.now()): void {
    const url = URL.createObjectURL(new Blob([frame.jpeg], { type: "image/jpeg" }));
    this.#image.onload = () => {
      if (this.#shownUrl) URL.revokeObjectURL(this.#shownUrl);
      this.#shownUrl = url;
    };
    this.#image.src = url;
    this.#lastFrameAt = now;
    this.#arrivals.push(now);
    byId("worker").textContent = shortName(frame.worker);
    byId("worker").title = frame.worker;
    // Ages across machines assume synchronised clocks; on one host they are exact.
    byId("age").textContent = `${Math.max(0, now - frame.requestedAt)} ms`;
    byId("seq").textContent = `#${frame.seq}`;
    this.history.add(frame.worker, frame.seq);
    this.tick(now);
  }

  /** Recounts frames a second. */
  tick(now = Date.now()): void {
    while (this.#arrivals.length > 0 && (this.#arrivals[0] as number) <= now - FPS_WINDOW_MS)
      this.#arrivals.shift();
    if (this.#lastFrameAt !== undefined) {
      byId("fps").textContent = (this.#arrivals.length / (FPS_WINDOW_MS / 1000)).toFixed(1);
    }
  }
}
