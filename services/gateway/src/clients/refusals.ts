import type { Logger } from "@zmesh/mesh";
import { LogThrottle } from "@zmesh/mesh/service";
import type { Counter } from "prom-client";
import type { RefusalReason } from "../gateway-api.js";

/** Each reason once, as keys the compiler holds to RefusalReason: none missing, none extra. */
const EVERY_REASON: Record<RefusalReason, true> = { connections_per_address: true, subscribe_rate: true };

/** Every value of RefusalReason: the `reason` labels of zmesh_gateway_refusals_total. */
export const REFUSAL_REASONS = Object.keys(EVERY_REASON) as RefusalReason[];

/**
 * Counts every refusal and logs it, at most once per reason and window with the number held back,
 * so a client hammering the gateway cannot flood its logs.
 *
 * @example
 * ```ts
 * const onRefused = refusalReporter(metrics.refusals, logger);
 * onRefused("subscribe_rate", "203.0.113.7"); // counted; logged unless this reason was logged < 10 s ago
 * ```
 */
export function refusalReporter(
  counter: Counter<"reason">,
  logger: Logger,
): (reason: RefusalReason, address: string) => void {
  const throttle = new LogThrottle({ linesPerWindow: 1 });
  return (reason, address) => {
    counter.inc({ reason });
    throttle.log(reason, (heldBack) => logger.warn("client refused", { reason, address, heldBack }));
  };
}
