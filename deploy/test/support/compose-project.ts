import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { DockerComposeEnvironment, type StartedDockerComposeEnvironment, Wait } from "testcontainers";

/** Runs a program and resolves with its output; rejects (with the output) when it exits non-zero. */
export const run = promisify(execFile);

export const repoRoot = resolve(__dirname, "../../..");
/** A project of its own, so the test never touches a stack someone started with `make up`. */
export const project = `zmesh-it-${process.pid}`;
export const GATEWAY = "http://127.0.0.1:18080";
export const PROMETHEUS = "http://127.0.0.1:19090";
/** What `make up` starts (the one-shot `keys` service comes with them: each depends on it). */
export const STACK = ["mapper", "image-worker", "report-worker", "gateway", "prometheus"];
/** Each zmesh service's uid, as docker-compose.yml sets it and its `keys` service hands out keys. */
export const SERVICE_UIDS = {
  mapper: 10001,
  "image-worker": 10002,
  "report-worker": 10003,
  gateway: 10004,
} as const;

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

/**
 * The stack under test, started by testcontainers on the test's project from the checkout's
 * docker-compose.yml (images built beforehand): each zmesh container waited for by its own
 * HEALTHCHECK, Prometheus by its readiness endpoint.
 */
export function startStack(): Promise<StartedDockerComposeEnvironment> {
  return new DockerComposeEnvironment(repoRoot, "docker-compose.yml")
    .withProjectName(project)
    .withEnvironment(composeEnv)
    .withDefaultWaitStrategy(Wait.forHealthCheck())
    .withWaitStrategy("prometheus-1", Wait.forHttp("/-/ready", 9090))
    .withStartupTimeout(120_000)
    .up(STACK);
}

/** `docker compose` on the test's project, for what testcontainers does not do (build, scale, logs). */
export const compose = (...args: string[]) =>
  run("docker", ["compose", "-p", project, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...composeEnv },
  });

/** What Docker still holds of the test's project: containers (with their state), networks, volumes. */
export async function leftovers(): Promise<string[]> {
  const label = `label=com.docker.compose.project=${project}`;
  const listings = await Promise.all([
    run("docker", ["ps", "--all", "--filter", label, "--format", "container {{.Names}} {{.Status}}"]),
    run("docker", ["network", "ls", "--filter", label, "--format", "network {{.Name}}"]),
    run("docker", ["volume", "ls", "--filter", label, "--format", "volume {{.Name}}"]),
  ]);
  return listings.flatMap(({ stdout }) => stdout.split("\n").filter(Boolean));
}
