import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { waitFor } from "@zmesh/mesh/testing";
import { freeLauncherSettings } from "./support/launcher-ports.js";
import { LauncherProcess } from "./support/launcher-process.js";
import { type ReadmeCommand, readmeCommands } from "./support/readme-commands.js";

// The README is executable: every command in its ```sh blocks that belongs to `make run` runs
// here against a live `make run` (the launcher on free ports), and must succeed. The commands
// talk to it through the documented settings: MAPPER_ENDPOINT and GATEWAY_PORT are set to its
// ports, and the default addresses written in a command (127.0.0.1:8080, :5555) are replaced by them.

const repoRoot = resolve(__dirname, "../../..");
const commands = readmeCommands(readFileSync(resolve(repoRoot, "README.md"), "utf8"));

/** README sections whose commands run against `make run`, here. */
const MAKE_RUN_SECTIONS = ["Operating it"];
/** README sections whose commands run in `make test-integration`: against the compose stack, and on a swarm. */
const COMPOSE_SECTIONS = ["As containers", "On Docker Swarm"];
/** Commands that start what this test runs against, or that contain this test. */
const NOT_RUN_HERE: Record<string, string> = {
  "make run": "this test runs its launcher (deploy/local/run.mjs) once the build is done",
  "make test": "the whole test suite",
};
/** How long one command may take to finish, or (a live one such as `watch`) to print. */
const COMMAND_DEADLINE_MS = 15_000;

const runHere = commands.filter(({ section }) => MAKE_RUN_SECTIONS.includes(section));

let launcher: LauncherProcess;
let settings: Record<string, string>;
beforeAll(async () => {
  settings = await freeLauncherSettings(2);
  launcher = new LauncherProcess({ ...settings, LOG_FORMAT: "json" });
  await launcher.waitForLine(/^zmesh is running: open /, 60_000);
}, 90_000);
afterAll(() => launcher?.stop());

test("every README command is run here, run by make test-integration, or is make run itself", () => {
  const unplaced = commands.filter(
    ({ section, command }) =>
      !MAKE_RUN_SECTIONS.includes(section) &&
      !COMPOSE_SECTIONS.includes(section) &&
      !(command in NOT_RUN_HERE),
  );
  expect(unplaced).toEqual([]);
  expect(runHere.length).toBeGreaterThan(0);
});

test.each(runHere.map((command) => [`${command.command}  (README.md:${command.line})`, command] as const))(
  "%s works under make run",
  async (_, command) => {
    const result = await runCommand(command);
    expect({ ...result, stdout: result.stdout.length > 0 }).toEqual({
      exit: "ok",
      stdout: true,
      stderr: expect.not.stringMatching(/error|no answer|NO_PEER|TIMEOUT/i),
    });
  },
);

/**
 * Runs one command in the repository root, as a reader would. One that is still running once it
 * has printed (a live view) is stopped with Ctrl-C, which must end it cleanly.
 */
async function runCommand({ command }: ReadmeCommand) {
  const endpoint = settings.MAPPER_ENDPOINT as string;
  const gateway = `127.0.0.1:${settings.GATEWAY_PORT}`;
  const shell = command
    .replaceAll("127.0.0.1:8080", gateway)
    .replaceAll("localhost:8080", gateway)
    .replaceAll("tcp://127.0.0.1:5555", endpoint);
  const child = spawn("sh", ["-c", shell], {
    cwd: repoRoot,
    env: { ...process.env, MAPPER_ENDPOINT: endpoint, GATEWAY_PORT: settings.GATEWAY_PORT },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group: Ctrl-C reaches the command under sh and npx
  });
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  const exited = exitOf(child);
  let status: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void exited.then((exit) => {
    status = exit;
  });
  await waitFor(
    `"${command}" to finish or print`,
    () => status ?? output.stdout.length > 0,
    COMMAND_DEADLINE_MS,
  );
  if (!status) {
    process.kill(-(child.pid as number), "SIGINT");
    status = await exited;
  }
  const clean = status.code === 0 || (status.code === null && status.signal === "SIGINT");
  return { exit: clean ? "ok" : `code ${status.code}, signal ${status.signal}`, ...output };
}

function exitOf(child: ChildProcess) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once("close", (code, signal) => done({ code, signal })),
  );
}
