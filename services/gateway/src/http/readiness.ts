import type { Readiness } from "../gateway-api.js";
import type { FrameHealthState } from "../streams/frame-health.js";

/** What readiness weighs, gathered at the time of asking. */
export interface ReadinessInput {
  now: number;
  /** Epoch ms of the mapper's last directory event (0: never). */
  lastDirectoryEventAt: number;
  /** Silence from the mapper after which the directory no longer counts as current. */
  directoryStaleMs: number;
  /** Image workers a render could go to now (PeerClient.usableInstances). */
  usableImageWorkers: number;
  frames: FrameHealthState;
  /** Renders failed in a row from which frames count as failing. */
  maxFailedRenders: number;
}

/**
 * Whether the gateway can serve frames now. Not ready when the mapper never answered, when its
 * events stopped (the directory may list workers long gone), when no image worker is usable, or
 * when recent renders all failed (workers listed and connected, yet hung or silent). A run of
 * failures stops counting once no render has ended for a stale period: with no viewers there is
 * no evidence either way.
 *
 * @example
 * ```ts
 * const state = readiness({ now: Date.now(), lastDirectoryEventAt: 0, directoryStaleMs: 5000,
 *   usableImageWorkers: 2, frames: health.state, maxFailedRenders: 5 });
 * state.reasons; // ["the mapper has not answered yet"]
 * ```
 */
export function readiness(input: ReadinessInput): Readiness {
  const { now, lastDirectoryEventAt, directoryStaleMs, usableImageWorkers, frames } = input;
  const reasons: string[] = [];
  const mapper = lastDirectoryEventAt > 0;
  const directoryAgeMs = mapper ? now - lastDirectoryEventAt : null;
  if (directoryAgeMs === null) reasons.push("the mapper has not answered yet");
  else if (directoryAgeMs > directoryStaleMs)
    reasons.push(`directory stale: no event from the mapper for ${directoryAgeMs} ms`);
  if (usableImageWorkers === 0) reasons.push("no usable image worker");
  const failingNow =
    frames.consecutiveFailures >= input.maxFailedRenders && now - frames.lastOutcomeAt <= directoryStaleMs;
  if (failingNow) reasons.push(`the last ${frames.consecutiveFailures} frame renders failed`);
  return {
    ready: reasons.length === 0,
    reasons,
    mapper,
    directoryAgeMs,
    imageWorkers: usableImageWorkers,
    failedRenders: frames.consecutiveFailures,
  };
}
