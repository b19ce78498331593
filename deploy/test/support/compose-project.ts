import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";

/** Runs a program and resolves with its output; rejects (with the output) when it exits non-zero. */
export const run = promisify(execFile);

export const repoRoot = resolve(__dirname, "../../..");
/** A project of its own, so the test never touches a stack someone started with `make up`. */
export const project = `zmesh-it-${process.pid}`;
export const GATEWAY = "http://127.0.0.1:18080";
export const PROMETHEUS = "http://127.0.0.1:19090";

/** What the test's compose commands and the README's commands run with: its project and ports. */
export const composeEnv: Record<string, string> = {
  COMPOSE_PROJECT_NAME: project,
  GATEWAY_PUBLISH_PORT: "18080",
  PROMETHEUS_PUBLISH_PORT: "19090",
  GRAFANA_PUBLISH_PORT: "13000",
  MAPPER_PUBLISH_PORT: "15555",
  MAPPER_EVENTS_PUBLISH_PORT: "15556",
  MAPPER_ENDPOINT: "tcp://127.0.0.1:15555",
  NPM_CA_FILE: process.env.NPM_CA_FILE ?? "/dev/null",
};

/** `docker compose` on the test's project. */
export const compose = (...args: string[]) =>
  run("docker", ["compose", "-p", project, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...composeEnv },
  });

/** What Docker still holds of the test's project: containers, networks, volumes (ids, one a line). */
export async function leftovers(): Promise<string[]> {
  const label = `label=com.docker.compose.project=${project}`;
  const listings = await Promise.all([
    run("docker", ["ps", "--all", "--quiet", "--filter", label]),
    run("docker", ["network", "ls", "--quiet", "--filter", label]),
    run("docker", ["volume", "ls", "--quiet", "--filter", label]),
  ]);
  return listings.flatMap(({ stdout }) => stdout.split("\n").filter(Boolean));
}
