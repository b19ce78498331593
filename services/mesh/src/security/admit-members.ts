import type { Registry } from "prom-client";
import { LogThrottle } from "../observability/log-throttle.js";
import type { Logger } from "../observability/logger.js";
import { securityMetrics } from "../observability/metrics.js";
import type { MeshSecurity } from "./mesh-security.js";
import { admitOnly } from "./zap-handler.js";

/** One refusal of who-sent-it, counted and logged at most a few times per window with the number held back. */
export type RefusalReporter = (reason: string, fields: Record<string, unknown>) => void;

/** Counts every refusal in zmesh_auth_refusals_total{reason} and logs it, throttled per reason. */
export function refusalReporter(logger: Logger, registry: Registry): RefusalReporter {
  const metrics = securityMetrics(registry);
  const throttle = new LogThrottle({ linesPerWindow: 5 });
  for (const reason of [
    "unknown_key",
    "bad_proof",
    "wrong_service",
    "instance_taken",
    "not_owner",
    "key_limit",
  ])
    metrics.authRefusals.inc({ reason }, 0);
  return (reason, fields) => {
    metrics.authRefusals.inc({ reason });
    throttle.log(reason, (heldBack) => logger.warn("refused: not allowed", { reason, ...fields, heldBack }));
  };
}

/**
 * Before a process binds its server sockets: with CURVE, only keys of the mesh's key set get past
 * the handshake (the rest are counted as `unknown_key`); in insecure mode, anyone does. Resolves
 * with the function that withdraws these keys when the server closes.
 */
export async function admitMembers(security: MeshSecurity, report: RefusalReporter): Promise<() => void> {
  if ("insecure" in security) return () => {};
  const { known } = security.curve;
  return admitOnly({
    admits: (publicKey) => known.has(publicKey),
    onRefused: (reason, address) => report(reason, { address }),
  });
}
