// make run's key set: created on first run (the CLI's `keys init`, so it is the same set the README
// shows), kept in the git-ignored .zmesh/keys, and handed to every process through ZMESH_KEYS.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

/**
 * The settings that secure every process: the key set's absolute path (created if missing), or
 * nothing when the user asked for plaintext with ZMESH_INSECURE=1 (each process then says so).
 * @param {string} root the checkout
 * @param {{ ZMESH_INSECURE: boolean, ZMESH_KEYS: string }} settings as the launcher read them
 * @returns {Record<string, string>}
 */
export function securityEnv(root, settings) {
  if (settings.ZMESH_INSECURE) return {};
  const dir = resolve(root, settings.ZMESH_KEYS);
  execFileSync(process.execPath, [resolve(root, "services/cli/bin/zmesh.js"), "keys", "init", dir], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  return { ZMESH_KEYS: dir };
}
