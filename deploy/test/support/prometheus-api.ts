import { spawn } from "node:child_process";
import { resolve } from "node:path";
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

/** Runs promtool from the Prometheus image; rejects with its complaints when it fails. */
export function promtool(args: string[], input?: string): Promise<string> {
  const volume = `${resolve(repoRoot, "deploy/prometheus")}:/etc/prometheus:ro`;
  const child = spawn("docker", [
    "run",
    "--rm",
    "-i",
    "--entrypoint",
    "/bin/promtool",
    "-v",
    volume,
    "prom/prometheus:v2.42.0",
    ...args,
  ]);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stdin.end(input ?? "");
  return new Promise((resolveRun, reject) => {
    child.once("exit", (code) =>
      code === 0 ? resolveRun(output) : reject(new Error(`promtool ${args.join(" ")}: ${output}`)),
    );
  });
}
