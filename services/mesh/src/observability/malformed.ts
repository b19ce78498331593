import type { Registry } from "prom-client";
import type { DecodeFailure } from "../protocol/mod.js";
import type { Logger } from "./logger.js";
import { protocolMetrics } from "./metrics.js";

const LOG_EVERY_MS = 10_000;

/**
 * Counts every refused message and logs it with its reason; a flood of the same reason is logged
 * once per window with the number held back, so a misbehaving peer cannot drown the logs.
 */
export function malformedReporter(
  socket: string,
  logger: Logger,
  registry: Registry,
): (failure: DecodeFailure) => void {
  const counter = protocolMetrics(registry).malformed;
  const windows = new Map<string, { openedAt: number; held: number }>();
  return (failure) => {
    counter.inc({ socket, reason: failure.code });
    const now = Date.now();
    const window = windows.get(failure.code);
    if (window && now - window.openedAt < LOG_EVERY_MS) {
      window.held++;
      return;
    }
    windows.set(failure.code, { openedAt: now, held: 0 });
    logger.warn("refused malformed message", {
      socket,
      code: failure.code,
      reason: failure.reason,
      heldBack: window?.held ?? 0,
    });
  };
}
