import type { HealthState, Load } from "../protocol/mod.js";

/** A heartbeat later than this many intervals makes an instance critical (it may be gone). */
export const CRITICAL_AFTER_INTERVALS = 1.5;

/**
 * Health in the spirit of Consul: passing, warning when alive but saturated (every slot taken,
 * so new work would get BUSY), critical when its heartbeats are overdue.
 */
export function healthOf(load: Load, silentForMs: number, heartbeatIntervalMs: number): HealthState {
  if (silentForMs > CRITICAL_AFTER_INTERVALS * heartbeatIntervalMs) return "critical";
  return load.utilization >= 1 ? "warning" : "passing";
}
