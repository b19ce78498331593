import { register } from "prom-client";
import type { Logger } from "../observability/logger.js";
import { securityMetrics } from "../observability/metrics.js";
import { readKeySet } from "../security/key-set.js";
import { INSECURE, type MeshSecurity } from "../security/mesh-security.js";

/**
 * A service's security from its settings: CURVE with its own key from the key set (the default),
 * or plaintext when ZMESH_INSECURE is set, which it says loudly and shows as zmesh_insecure = 1.
 * A missing or broken key set stops the process (exit 2) saying what to do.
 */
export function securityFromSettings(
  settings: { ZMESH_INSECURE: boolean; ZMESH_KEYS: string },
  keyName: string,
  logger: Logger,
): MeshSecurity {
  const gauge = securityMetrics(register).insecure;
  if (settings.ZMESH_INSECURE) {
    gauge.set(1);
    logger.warn("INSECURE: CURVE is off (ZMESH_INSECURE=1): any process that reaches our ports is trusted");
    return INSECURE;
  }
  gauge.set(0);
  try {
    const curve = readKeySet(settings.ZMESH_KEYS, keyName);
    logger.info("CURVE on", { keys: settings.ZMESH_KEYS, key: keyName, publicKey: curve.own.publicKey });
    return { curve };
  } catch (error) {
    process.stderr.write(
      `ZMESH_KEYS: ${(error as Error).message}\n` +
        "  create a key set with `npx zmesh keys init` (make run does it for you), or set ZMESH_INSECURE=1\n",
    );
    process.exit(2);
  }
}
