/** One command from a ```sh block of the README, with the section it is under. */
export interface ReadmeCommand {
  section: string;
  command: string;
  /** 1-based line in the README, to point at it when it fails. */
  line: number;
}

/**
 * Every command in the README's ```sh blocks: one per line, its trailing `# comment` removed
 * (a `#` inside quotes stays), under the nearest heading above its block.
 */
export function readmeCommands(markdown: string): ReadmeCommand[] {
  const commands: ReadmeCommand[] = [];
  let section = "";
  let inShell = false;
  let inOtherBlock = false;
  for (const [index, text] of markdown.split("\n").entries()) {
    if (!inShell && !inOtherBlock) {
      const heading = /^#{1,6}\s+(.*)$/.exec(text);
      if (heading) section = heading[1]?.trim() ?? "";
      if (text.startsWith("```")) {
        if (text.trim() === "```sh") inShell = true;
        else inOtherBlock = true;
      }
      continue;
    }
    if (text.startsWith("```")) {
      inShell = inOtherBlock = false;
      continue;
    }
    if (!inShell) continue;
    const command = withoutComment(text).trim();
    if (command) commands.push({ section, command, line: index + 1 });
  }
  return commands;
}

/** The line up to a `#` that starts a shell comment (outside quotes, after a space). */
function withoutComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === "#" && (i === 0 || /\s/.test(line[i - 1] ?? ""))) return line.slice(0, i);
  }
  return line;
}
