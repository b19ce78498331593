import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { curveKeyPair } from "zeromq";
import { type MeshKeys, readKeySet, writeKeySet } from "../src/security/key-set.js";

/** A mesh key set in a temporary folder: what `zmesh keys init` writes, for one test file or bench. */
export interface TemporaryKeySet {
  dir: string;
  /** The settings that start a service with CURVE on this key set (ServiceProcess defaults to plaintext). */
  env: Record<string, string>;
  /** The set as the process holding key `name` sees it. */
  keys(name: string): MeshKeys;
  /** Deletes the folder. */
  remove(): void;
}

/** Writes a fresh key set (the mapper's pair and one pair per name) into a new temporary folder. */
export function temporaryKeySet(names: readonly string[]): TemporaryKeySet {
  const dir = mkdtempSync(join(tmpdir(), "zmesh-keys-"));
  writeKeySet(dir, names);
  return {
    dir,
    env: { ZMESH_INSECURE: "0", ZMESH_KEYS: dir },
    keys: (name) => readKeySet(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * An outsider's view of a mesh: it knows every public key (they are no secret) and the mapper's,
 * but holds a key pair of its own that is not in the set.
 */
export function outsiderKeys(set: MeshKeys): MeshKeys {
  return { ...set, name: "outsider", own: curveKeyPair() };
}
