// zmesh: the operator's view of a mesh (ls, watch, call), talking to the mapper at MAPPER_ENDPOINT
// (or to every replica in MAPPER_ENDPOINTS, their directories merged).
import { loadConfigOrExit, mapperEndpointsOf, memberSettings, securitySettings } from "@zmesh/mesh/service";
import { z } from "zod";
import { call } from "./call-command.js";
import { CliFailure, UsageError } from "./cli-errors.js";
import { cliSecurity } from "./cli-security.js";
import { type CommandLine, parseCommandLine, USAGE } from "./command-line.js";
import { keysCommand } from "./keys-command.js";
import { ls } from "./ls-command.js";
import type { MapperTarget } from "./mapper-answer.js";
import { watch } from "./watch-command.js";

/** EX_USAGE: the command line was wrong. */
const USAGE_EXIT = 64;

let commandLine: CommandLine;
try {
  commandLine = parseCommandLine(process.argv.slice(2));
} catch (error) {
  exitWith(error);
}
if (commandLine.command === "help") {
  process.stdout.write(USAGE);
  process.exit(0);
}

// The same setting, checked the same way, as every service's (a bad one exits 2 naming the variable).
const OWN_PORT = "expected the mapper's own port, not 0 or * (those only make sense for a bind)";
const dialable = (endpoint: string) => !/:(0|\*)$/.test(endpoint);
const settings = loadConfigOrExit(
  z.object({
    // Checked as the services check it (ZMESH_KEYS is not: unset, the CLI looks for the local set).
    ZMESH_INSECURE: securitySettings.ZMESH_INSECURE,
    MAPPER_ENDPOINT: memberSettings.MAPPER_ENDPOINT.refine(dialable, { message: OWN_PORT }),
    MAPPER_ENDPOINTS: memberSettings.MAPPER_ENDPOINTS.refine(
      (endpoints) => endpoints === undefined || endpoints.every(dialable),
      { message: OWN_PORT },
    ),
  }),
);

const { command, flags, args } = commandLine;
/** The mapper, over CURVE with the local key set when there is one (built only for commands that ask it). */
const mapper = (): MapperTarget => {
  const { security, source } = cliSecurity(flags.keys, settings.ZMESH_INSECURE);
  const endpoints = mapperEndpointsOf(settings);
  return { endpoint: endpoints.join(", "), endpoints, security, keys: source };
};
const commands = {
  ls: async () => ls(mapper(), flags),
  watch: async () => watch(mapper(), flags),
  call: async () => call(mapper(), args, flags),
  keys: async () => keysCommand(args, flags),
};
commands[command]().catch(exitWith);

/** Says what went wrong, kubectl-style: the command, the problem, then what to check. */
function exitWith(error: unknown): never {
  const prefix = commandLine ? `zmesh ${commandLine.command}` : "zmesh";
  if (error instanceof UsageError) {
    const where = error.command ? `zmesh ${error.command}` : "zmesh";
    process.stderr.write(`${where}: ${error.message}\nRun 'zmesh --help' for usage.\n`);
    process.exit(USAGE_EXIT);
  }
  if (error instanceof CliFailure) {
    process.stderr.write(`${prefix}: ${error.message}\n${error.hints.map((hint) => `  ${hint}\n`).join("")}`);
    process.exit(1);
  }
  process.stderr.write(`${prefix}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
