import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The zmesh checkout: the nearest folder at or above the working directory whose package.json
 * declares the workspaces. Tests (run by jest as CommonJS) and benchmarks (run as ES modules) both
 * start from the checkout, and neither `__dirname` nor `import.meta` works in both.
 */
export function findRepoRoot(from = process.cwd()): string {
  for (let folder = from; ; folder = dirname(folder)) {
    const manifest = join(folder, "package.json");
    if (existsSync(manifest) && "workspaces" in JSON.parse(readFileSync(manifest, "utf8"))) return folder;
    if (dirname(folder) === folder) throw new Error(`no zmesh checkout at or above ${from}`);
  }
}

export const repoRoot = findRepoRoot();
