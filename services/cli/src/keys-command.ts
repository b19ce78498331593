import { resolve } from "node:path";
import { writeKeySet } from "@zmesh/mesh";
import { UsageError } from "./cli-errors.js";
import { CLI_KEY, LOCAL_KEYS } from "./cli-security.js";
import type { Flags } from "./command-line.js";

/** The keys of this repository's services: one per service name, and the CLI's and gateway's. */
export const MESH_KEY_NAMES = ["image-worker", "report-worker", "echo", "gateway", CLI_KEY];

/** `zmesh keys <subcommand>`: only `init` for now. */
export async function keysCommand(args: readonly string[], flags: Flags): Promise<void> {
  const [subcommand, dir] = args;
  if (subcommand !== "init")
    throw new UsageError(`keys takes init (got ${JSON.stringify(subcommand ?? "")})`, "keys");
  keysInit(dir, flags.name ?? []);
}

/**
 * `zmesh keys init [DIR] [--name NAME]...`: writes a key set (the mapper's pair and one pair per
 * name) as Z85 text files, keeping pairs that exist. Secret keys are owner-only files.
 */
export function keysInit(dir: string | undefined, extraNames: readonly string[] = []): void {
  const target = resolve(dir ?? LOCAL_KEYS);
  const created = writeKeySet(target, [...MESH_KEY_NAMES, ...extraNames]);
  process.stdout.write(
    created.length > 0
      ? `key set in ${target}: created ${created.join(", ")}\n`
      : `key set in ${target}: every key already there\n`,
  );
}
