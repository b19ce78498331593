import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { curveKeyPair } from "zeromq";
import { SERVICE_NAME } from "../protocol/mod.js";
import { isZ85 } from "./z85.js";

/** A CURVE key pair as ZeroMQ writes it: two 40-character Z85 strings. */
export interface KeyPair {
  publicKey: string;
  secretKey: string;
}

/**
 * What one process knows of a mesh's keys: its own pair, the mapper's public key, and every
 * member's public key by name. A key's name is the one service it may register as.
 */
export interface MeshKeys {
  name: string;
  own: KeyPair;
  mapperPublicKey: string;
  /** Public key → name, for every key in the set (the mapper's and this process's included). */
  known: ReadonlyMap<string, string>;
}

/** The name of the mapper's key in a key set. */
export const MAPPER_KEY = "mapper";

const PUBLIC = ".pub";
const SECRET = ".key";

/**
 * Writes a key set into `dir`: `<name>.pub` (public, world-readable) and `<name>.key` (secret,
 * owner-only) for the mapper and each name. Existing pairs are kept, so running it twice is safe.
 * Returns the names it created.
 */
export function writeKeySet(dir: string, names: readonly string[]): string[] {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const created: string[] = [];
  for (const name of new Set([MAPPER_KEY, ...names])) {
    checkName(name);
    if (existsSync(join(dir, `${name}${SECRET}`))) continue;
    const pair = curveKeyPair();
    writeFileSync(join(dir, `${name}${PUBLIC}`), `${pair.publicKey}\n`, { mode: 0o644 });
    writeFileSync(join(dir, `${name}${SECRET}`), `${pair.secretKey}\n`, { mode: 0o600 });
    created.push(name);
  }
  return created;
}

/**
 * Reads the key set in `dir` as process `name` sees it: its own secret, and every public key.
 * Throws, naming the file, when something is missing or is not a key.
 */
export function readKeySet(dir: string, name: string): MeshKeys {
  checkName(name);
  if (!existsSync(dir)) throw new Error(`no key set at ${dir} (create one with: npx zmesh keys init)`);
  const known = new Map<string, string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(PUBLIC))) {
    known.set(readKey(join(dir, file)), file.slice(0, -PUBLIC.length));
  }
  const mapperPublicKey = [...known].find(([, owner]) => owner === MAPPER_KEY)?.[0];
  if (mapperPublicKey === undefined) throw new Error(`no ${MAPPER_KEY}${PUBLIC} in ${dir}`);
  const publicKey = [...known].find(([, owner]) => owner === name)?.[0];
  if (publicKey === undefined) throw new Error(`no ${name}${PUBLIC} in ${dir}`);
  return {
    name,
    own: { publicKey, secretKey: readKey(join(dir, `${name}${SECRET}`)) },
    mapperPublicKey,
    known,
  };
}

function readKey(path: string): string {
  if (!existsSync(path)) throw new Error(`missing key file ${path}`);
  const key = readFileSync(path, "utf8").trim();
  if (key.length !== 40 || !isZ85(key)) throw new Error(`${path} does not hold a Z85 CURVE key`);
  return key;
}

function checkName(name: string): void {
  // A key is named after the service it proves: the same names a record may carry.
  if (!SERVICE_NAME.test(name)) throw new Error(`bad key name ${JSON.stringify(name)}`);
}
