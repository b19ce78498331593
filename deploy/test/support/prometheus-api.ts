import { resolve } from "node:path";
import { GenericContainer, type StartedTestContainer } from "testcontainers";
import { PROMETHEUS, repoRoot } from "./compose-project.js";

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant query against the stack's Prometheus. */
export async function query(expr: string): Promise<Sample[]> {
  const response = await fetch(`${PROMETHEUS}/api/v1/query?${new URLSearchParams({ query: expr })}`);
  const body = (await response.json()) as { status: string; error?: string; data: { result: Sample[] } };
  if (body.status !== "success") throw new Error(`${expr}: ${body.error}`);
  return body.data.result;
}

/** promtool from the Prometheus image, with deploy/prometheus at /etc/prometheus. */
export interface Promtool {
  /** Runs `promtool ARGS` (reading `input` on stdin when given); rejects with its complaints when it fails. */
  check(args: string[], input?: string): Promise<string>;
  stop(): Promise<void>;
}

/** One idle container of the Prometheus image (testcontainers) that each check runs promtool in. */
export async function startPromtool(): Promise<Promtool> {
  const container: StartedTestContainer = await new GenericContainer("prom/prometheus:v2.42.0")
    .withEntrypoint(["/bin/sh", "-c", "exec sleep 3600"])
    .withBindMounts([
      { source: resolve(repoRoot, "deploy/prometheus"), target: "/etc/prometheus", mode: "ro" },
    ])
    .start();
  return {
    async check(args, input) {
      let command = ["/bin/promtool", ...args];
      if (input !== undefined) {
        await container.copyContentToContainer([{ content: input, target: "/tmp/promtool-input" }]);
        command = ["/bin/sh", "-c", `exec /bin/promtool ${args.join(" ")} < /tmp/promtool-input`];
      }
      const { exitCode, output } = await container.exec(command);
      if (exitCode !== 0) throw new Error(`promtool ${args.join(" ")}: ${output}`);
      return output;
    },
    async stop() {
      await container.stop({ timeout: 0 });
    },
  };
}
