import type { Registry } from "prom-client";
import type { DecodeFailure } from "../protocol/mod.js";
import { LogThrottle } from "./log-throttle.js";
import type { Logger } from "./logger.js";
import { protocolMetrics } from "./metrics.js";

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
  const throttle = new LogThrottle({ linesPerWindow: 1 });
  return (failure) => {
    counter.inc({ socket, reason: failure.code });
    throttle.log(failure.code, (heldBack) =>
      logger.warn("refused malformed message", {
        socket,
        code: failure.code,
        reason: failure.reason,
        heldBack,
      }),
    );
  };
}
