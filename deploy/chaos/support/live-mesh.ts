import type { useCleanup } from "@zmesh/mesh/testing";
import { startSystem } from "@zmesh/mesh/testing";
import { io, type Socket } from "socket.io-client";
import type { FrameEvent } from "../../../services/gateway/src/gateway-api.js";

/** The mesh of the table: mapper, two image workers (alpha, beta), report worker, gateway. */
export async function liveMesh(
  cleanup: ReturnType<typeof useCleanup>,
  gatewayEnv: Record<string, string> = {},
) {
  const system = await startSystem(cleanup, { STREAM_FPS: "10", ...gatewayEnv });
  const viewer = cleanup.closeLater(new Viewer(system.base));
  return { ...system, viewer };
}

/** One browser's view of the main stream: every frame with when it arrived. */
export class Viewer {
  readonly frames: { at: number; worker: string }[] = [];
  readonly #socket: Socket;

  constructor(base: string) {
    this.#socket = io(base, { transports: ["websocket"], forceNew: true });
    this.#socket.on("frame", (frame: FrameEvent) =>
      this.frames.push({ at: Date.now(), worker: frame.worker }),
    );
  }

  /** Frames that arrived after `since` (epoch ms). */
  framesSince(since: number): { at: number; worker: string }[] {
    return this.frames.filter((frame) => frame.at > since);
  }

  close(): void {
    this.#socket.close();
  }
}

/** The image workers' names the gateway reports frames under (the instance ids of alpha and beta). */
export const REAL_WORKERS = /^image-worker-(alpha|beta)$/;
