import type { Logger } from "@zmesh/mesh";
import type { Counter } from "prom-client";

/** Why a client was refused: the `reason` label of zmesh_gateway_refusals_total. */
export const REFUSAL_REASONS = ["connections_per_address", "subscribe_rate"] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

const LOG_EVERY_MS = 10_000;

/**
 * Counts every refusal and logs it, at most once per reason and window with the number held back,
 * so a client hammering the gateway cannot flood its logs.
 */
export function refusalReporter(
  counter: Counter<"reason">,
  logger: Logger,
): (reason: RefusalReason, address: string) => void {
  const windows = new Map<RefusalReason, { openedAt: number; held: number }>();
  return (reason, address) => {
    counter.inc({ reason });
    const now = Date.now();
    const window = windows.get(reason);
    if (window && now - window.openedAt < LOG_EVERY_MS) {
      window.held++;
      return;
    }
    windows.set(reason, { openedAt: now, held: 0 });
    logger.warn("client refused", { reason, address, heldBack: window?.held ?? 0 });
  };
}
