import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { INSECURE, type MeshSecurity, readKeySet } from "@zmesh/mesh";
import { CliFailure } from "./cli-errors.js";

/** The CLI's key in a key set. */
export const CLI_KEY = "cli";
/** Where `make run` (and `zmesh keys init` by default) keeps the local key set. */
export const LOCAL_KEYS = ".zmesh/keys";

/** How the CLI talks to the mesh, and where its key came from (for messages). */
export interface CliSecurity {
  security: MeshSecurity;
  /** The key set used, or why none is. */
  source: string;
}

/**
 * The CLI's security: plaintext with ZMESH_INSECURE=1; otherwise the key set named by --keys or
 * ZMESH_KEYS, or else the nearest `.zmesh/keys` at or above the working directory (so after
 * `make run`, `npx zmesh ls` works as typed from anywhere in the checkout).
 */
export function cliSecurity(
  keysFlag: string | undefined,
  insecure: boolean,
  env: NodeJS.ProcessEnv = process.env,
): CliSecurity {
  if (insecure) return { security: INSECURE, source: "ZMESH_INSECURE" };
  const named = keysFlag ?? env.ZMESH_KEYS;
  const dir = named ?? findLocalKeys(process.cwd());
  if (dir === undefined)
    return {
      security: INSECURE,
      source: `no key set (no ${LOCAL_KEYS} here or above; --keys DIR names one)`,
    };
  try {
    return { security: { curve: readKeySet(dir, CLI_KEY) }, source: dir };
  } catch (error) {
    throw new CliFailure(`cannot use the key set at ${dir}: ${(error as Error).message}`, [
      "create one with: npx zmesh keys init",
    ]);
  }
}

function findLocalKeys(from: string): string | undefined {
  for (let folder = resolve(from); ; folder = dirname(folder)) {
    const candidate = join(folder, LOCAL_KEYS);
    if (existsSync(join(candidate, `${CLI_KEY}.key`))) return candidate;
    if (dirname(folder) === folder) return undefined;
  }
}
