import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

export { measureLatency, measureThroughput, percentile } from "../testing/measure.js";

export interface Child {
  process: ChildProcess;
  lines: Record<string, unknown>[];
  /** The first log line with this message, or matching this test. */
  waitFor(
    expected: string | ((line: Record<string, unknown>) => boolean),
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Starts a node script; its JSON log lines are collected for `waitFor`; its stdin is a pipe the bench may write to. */
export function startChild(script: string, args: string[] = [], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not a log line
    }
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    process: child,
    lines,
    async waitFor(expected, timeoutMs = 10_000) {
      const matches =
        typeof expected === "string" ? (l: Record<string, unknown>) => l.message === expected : expected;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = lines.find(matches);
        if (line) return line;
        if (Date.now() > deadline)
          throw new Error(`${script}: no "${String(expected)}" within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
