import type { Readiness } from "@zmesh/gateway/api";

/** What the page knows at a moment: the socket, the gateway's last readiness answer, the last frame. */
export interface PageFacts {
  connected: boolean;
  /** Whether the socket was ever connected (before that, the page is still connecting). */
  everConnected: boolean;
  readiness: Readiness | undefined;
  /** Epoch ms of the last frame received (undefined: none yet). */
  lastFrameAt: number | undefined;
}

/**
 * What the page says it is: `live` (frames arriving), `connecting`, `gateway-down` (the socket is
 * gone: every value shown is the last one known), `no-worker` (the gateway answers, no image worker
 * does), `stalled` (frames stopped for another reason) or `degraded` (frames arrive, the gateway is
 * not ready for a reason it names).
 */
export type PageCondition = "live" | "connecting" | "gateway-down" | "no-worker" | "stalled" | "degraded";

/** The page's condition, the badge's words, and whether the frame and its figures are current. */
export interface PageState {
  condition: PageCondition;
  badge: string;
  framesCurrent: boolean;
}

/** A frame older than this and the stream counts as stopped (10 fps is 100 ms a frame; 1 fps still passes). */
export const FRAME_STALE_MS = 2500;

/**
 * The page's state from what it knows, blaming the component that is away: the gateway when the
 * socket is gone, the image workers when the gateway answers without any, else the gateway's own
 * reason for not being ready.
 */
export function pageState(facts: PageFacts, now: number): PageState {
  if (!facts.connected) {
    return facts.everConnected
      ? { condition: "gateway-down", badge: "gateway unreachable — reconnecting", framesCurrent: false }
      : { condition: "connecting", badge: "connecting to the gateway…", framesCurrent: false };
  }
  const framesCurrent = facts.lastFrameAt !== undefined && now - facts.lastFrameAt < FRAME_STALE_MS;
  const reason = facts.readiness?.reasons[0];
  if (!framesCurrent && facts.readiness?.imageWorkers === 0) {
    return { condition: "no-worker", badge: "no image worker — frames resume when one joins", framesCurrent };
  }
  if (!framesCurrent) {
    const waited =
      facts.lastFrameAt === undefined
        ? "no frame yet"
        : `no frame for ${secondsSince(facts.lastFrameAt, now)}`;
    return { condition: "stalled", badge: reason ? `${waited}: ${reason}` : waited, framesCurrent };
  }
  if (reason) return { condition: "degraded", badge: reason, framesCurrent };
  return { condition: "live", badge: "live", framesCurrent };
}

const secondsSince = (at: number, now: number) => `${Math.round((now - at) / 1000)} s`;
