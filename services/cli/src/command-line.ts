import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./cli-errors.js";

/** What `zmesh --help` prints. */
export const USAGE = `usage: zmesh <command> [flags]

commands:
  ls [--service NAME] [--all] [--json]    services, instances, state and load (past 50 instances:
                                          a summary per service and the first 50; --all for every one)
  watch [--all] [--json]                  live changes to the directory (Ctrl-C to stop)
  call <service> <job> [JSON] [--out FILE] [--timeout MS]
                                          send one job and print its reply; a binary or large reply
                                          goes to --out FILE (- for stdout), else to a file it names
  keys init [DIR] [--name NAME]...        write a mesh key set (default .zmesh/keys): the mapper's
                                          key pair and one per service, keeping pairs that exist

  ls, watch and call take --keys DIR: the key set to use (default: ZMESH_KEYS, else the nearest
  .zmesh/keys at or above this folder; none found, or ZMESH_INSECURE=1: plaintext)

environment:
  MAPPER_ENDPOINT   the mapper to ask (default tcp://127.0.0.1:5555)
  MAPPER_ENDPOINTS  several mapper replicas, comma-separated (or a DNS name for all of them):
                    every one is asked and their directories merged
`;

const help = { type: "boolean", short: "h" } as const;
const json = { type: "boolean" } as const;
const all = { type: "boolean" } as const;
const keys = { type: "string" } as const;

/** The flags each command takes: any other is refused by name. */
const COMMANDS = {
  ls: { flags: { help, json, all, keys, service: { type: "string" } }, positionals: [] },
  watch: { flags: { help, json, all, keys }, positionals: [] },
  call: {
    flags: { help, keys, out: { type: "string" }, timeout: { type: "string" } },
    positionals: ["service", "job", "JSON"],
  },
  keys: { flags: { help, name: { type: "string", multiple: true } }, positionals: ["init", "DIR"] },
} satisfies Record<string, { flags: ParseArgsConfig["options"]; positionals: string[] }>;

export type CommandName = keyof typeof COMMANDS;

/** Every flag of every command, as parsed (a command's own flags only are ever set). */
export interface Flags {
  json?: boolean;
  all?: boolean;
  service?: string;
  out?: string;
  timeout?: string;
  keys?: string;
  name?: string[];
}

/** A command line understood: help asked for, or one command with its flags and arguments. */
export type CommandLine = { command: "help" } | { command: CommandName; flags: Flags; args: string[] };

/**
 * Reads `zmesh <command> [flags]`. Throws UsageError naming what is wrong: an unknown command (with
 * the closest one, if any), a flag that command does not take, a flag without its value, or
 * arguments it does not expect.
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError("no command given");
  if (first === "help" || first === "--help" || first === "-h") return { command: "help" };
  if (first.startsWith("-")) throw new UsageError(`the command comes first (got the flag ${first})`);
  if (!isCommand(first)) throw new UsageError(unknownCommand(first));
  const spec = COMMANDS[first];
  const parsed = parseFlags(first, spec.flags, rest);
  if ((parsed.values as Flags & { help?: boolean }).help) return { command: "help" };
  const extra = parsed.positionals.slice(spec.positionals.length);
  if (extra.length > 0)
    throw new UsageError(
      `takes ${spec.positionals.length ? `at most <${spec.positionals.join("> <")}>` : "no arguments"} (got also ${extra.map((a) => JSON.stringify(a)).join(" ")})`,
      first,
    );
  return { command: first, flags: parsed.values as Flags, args: parsed.positionals };
}

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

function parseFlags(command: CommandName, options: ParseArgsConfig["options"], args: string[]) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(flagProblem(error, command), command);
  }
}

/** parseArgs's errors, reworded: which flag, and what is wrong with it. */
function flagProblem(error: unknown, command: CommandName): string {
  const { code, message } = error as { code?: string; message: string };
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const flag = /'([^']+)'/.exec(message)?.[1] ?? "?";
    const elsewhere = (Object.keys(COMMANDS) as CommandName[]).filter(
      (other) => other !== command && Object.hasOwn(COMMANDS[other].flags, flag.replace(/^-+/, "")),
    );
    return elsewhere.length
      ? `unknown flag ${flag} for ${command} (it is a flag of ${elsewhere.join(", ")})`
      : `unknown flag ${flag}`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const flag = /'(-[^' ]+)/.exec(message)?.[1] ?? "a flag";
    return message.includes("argument missing")
      ? `flag ${flag} needs a value`
      : `flag ${flag} takes no value`;
  }
  return message;
}

/** `unknown command "lss"`, with the nearest command when one is a typo away. */
function unknownCommand(name: string): string {
  const nearest = (Object.keys(COMMANDS) as CommandName[]).find(
    (command) => editDistance(command, name) <= Math.max(1, Math.floor(command.length / 2)),
  );
  return `unknown command ${JSON.stringify(name)}${nearest ? ` (did you mean ${nearest}?)` : ""}`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length] ?? 0;
}
