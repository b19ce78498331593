import { execFile, spawn } from "node:child_process";
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export const repoRoot = resolve(__dirname, "../../..");
/** A stack of its own, so the test never touches one someone deployed with `make swarm-up`. */
export const STACK = "zmesh-it-swarm";
export const GATEWAY = "http://127.0.0.1:28080";
export const PROMETHEUS = "http://127.0.0.1:29090";

/** Runs a program and resolves with its output; rejects (with the output) when it exits non-zero. */
export const run = (file: string, args: string[], env: Record<string, string> = {}) =>
  execFileAsync(file, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });

/** `docker ...`, resolving with its output trimmed. */
export const docker = async (...args: string[]) => (await run("docker", args)).stdout.trim();

/** The lines of a command's output, blank ones dropped. */
export const lines = (output: string) => output.split("\n").filter((line) => line.trim() !== "");

/** This host's swarm state: "active" once it is a manager, "inactive" when in no swarm. */
export const swarmState = () => docker("info", "--format", "{{.Swarm.LocalNodeState}}");

/**
 * Runs `deploy/swarm/swarm.sh` (what `make swarm-*` runs) on the test's stack. `onLine` sees each line
 * of its output as it comes (to time a step from the moment it starts).
 */
export function swarmScript(
  args: string[],
  env: Record<string, string>,
  onLine: (line: string) => void = () => {},
): Promise<string> {
  const child = spawn("bash", ["deploy/swarm/swarm.sh", ...args], {
    cwd: repoRoot,
    env: { ...process.env, STACK, ...env },
  });
  let output = "";
  const read = (chunk: Buffer) => {
    output += chunk.toString();
    for (const line of chunk.toString().split("\n")) if (line.trim() !== "") onLine(line);
  };
  child.stdout.on("data", read);
  child.stderr.on("data", read);
  return new Promise((resolveRun, reject) => {
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolveRun(output)
        : reject(new Error(`swarm.sh ${args.join(" ")}: exit ${code}\n${output}`)),
    );
  });
}

/** The running containers of one of the stack's services (ids). */
export const containersOf = async (service: string) =>
  lines(await docker("ps", "--quiet", "--filter", `label=com.docker.swarm.service.name=${STACK}_${service}`));

/** A container's addresses on the stack's network. */
export const addressOf = (container: string) =>
  docker("inspect", "--format", `{{(index .NetworkSettings.Networks "${STACK}_mesh").IPAddress}}`, container);

/** What Docker still holds of a stack (the test's unless named): services, containers, networks, secrets, configs (ids). */
export async function leftovers(stack = STACK): Promise<string[]> {
  if ((await swarmState()) !== "active") return [];
  const label = `label=com.docker.stack.namespace=${stack}`;
  const listings = await Promise.all(
    [
      ["service", "ls"],
      ["ps", "--all"],
      ["network", "ls"],
      ["secret", "ls"],
      ["config", "ls"],
    ].map((command) => docker(...command, "--quiet", "--filter", label)),
  );
  return listings.flatMap(lines);
}

/** Every volume Docker holds (names). */
export const volumes = async () => lines(await docker("volume", "ls", "--quiet"));

/** One directory record as `zmesh ls --json` prints it. */
export interface ListedInstance {
  service: string;
  instanceId: string;
  endpoint: string;
}

/**
 * `zmesh ls --json` run the way the README says on Swarm: in a container on the stack's overlay
 * network, as the key set's owner (the README's `--user "$(id -u)"`), with the key set, asking every
 * mapper (or only `mapperEndpoint`).
 */
export async function listDirectory(keys: string, mapperEndpoint?: string): Promise<ListedInstance[]> {
  const mappers = mapperEndpoint ?? "tcp://tasks.mapper:5555";
  const stdout = await docker(
    "run",
    "--rm",
    "--network",
    `${STACK}_mesh`,
    "--user",
    String(statSync(keys).uid),
    "-v",
    `${keys}:/run/secrets/zmesh:ro`,
    "-e",
    "ZMESH_KEYS=/run/secrets/zmesh",
    "-e",
    `MAPPER_ENDPOINTS=${mappers}`,
    "zmesh:local",
    "node",
    "services/cli/bin/zmesh.js",
    "ls",
    "--json",
  );
  return JSON.parse(stdout) as ListedInstance[];
}

/** Prometheus's active targets: service label, instance, health. */
export async function scrapeTargets(): Promise<{ service: string; instance: string; health: string }[]> {
  const response = await fetch(`${PROMETHEUS}/api/v1/targets?state=active`);
  const body = (await response.json()) as {
    data: { activeTargets: { labels: Record<string, string>; health: string }[] };
  };
  return body.data.activeTargets.map(({ labels, health }) => ({
    service: labels.service ?? "",
    instance: labels.instance ?? "",
    health,
  }));
}
