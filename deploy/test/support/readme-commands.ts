import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { repoRoot } from "./compose-project.js";

/** The commands of one README section's sh code block, in order, without their comments. */
export function readmeSectionCommands(title: string): string[] {
  const readme = readFileSync(resolve(repoRoot, "README.md"), "utf8");
  const section = readme.split(/^## /m).find((part) => part.startsWith(`${title}\n`));
  const block = section?.match(/```sh\n([\s\S]*?)```/)?.[1];
  if (!block) throw new Error(`README.md has no "${title}" section with a sh code block`);
  return block
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter(Boolean);
}

/** The commands of the README's "As containers" code block. */
export const readmeContainerCommands = () => readmeSectionCommands("As containers");
