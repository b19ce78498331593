import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { waitFor } from "@zmesh/mesh/testing";

const repoRoot = resolve(__dirname, "../../../..");

/** `make run`'s launcher (deploy/local/run.mjs) as a real child process, its output kept line by line. */
export class LauncherProcess {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly child: ChildProcess;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, [resolve(repoRoot, "deploy/local/run.mjs")], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.exited = new Promise((done) => this.child.once("close", (code, signal) => done({ code, signal })));
    collectLines(this.child.stdout, this.stdout);
    collectLines(this.child.stderr, this.stderr);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The first stdout line at or after `from` that matches `pattern`, with its index. */
  waitForLine(pattern: RegExp, timeoutMs = 10_000, from = 0): Promise<{ line: string; index: number }> {
    return waitFor(
      `a launcher line matching ${pattern}`,
      () => {
        const index = this.stdout.findIndex((line, i) => i >= from && pattern.test(line));
        return index >= 0 ? { line: this.stdout[index] as string, index } : undefined;
      },
      timeoutMs,
    );
  }

  /** Every pid the launcher reported starting, by process name (`image-1 | started (pid 123)`). */
  startedPids(): Map<string, number[]> {
    const pids = new Map<string, number[]>();
    for (const line of this.stdout) {
      const match = /^(\S+)\s+\| started \(pid (\d+)\)$/.exec(line);
      if (match) pids.set(match[1] as string, [...(pids.get(match[1] as string) ?? []), Number(match[2])]);
    }
    return pids;
  }

  /**
   * Stops a launcher a test left running: SIGTERM first (it stops its children in order), then, past
   * a deadline, SIGKILL for it and every process it reported starting. A SIGKILLed launcher runs no
   * exit handler, so its children (in process groups of their own) would otherwise be left behind.
   */
  async stop(deadlineMs = 20_000): Promise<void> {
    if (this.running) {
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), deadlineMs);
      await this.exited;
      clearTimeout(timer);
    }
    for (const pid of [...this.startedPids().values()].flat()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch (error) {
        // ESRCH: already gone, the launcher stopped it.
        if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
      }
    }
  }
}

function collectLines(stream: NodeJS.ReadableStream | null, into: string[]): void {
  let buffered = "";
  stream?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    into.push(...lines);
  });
}

/** Whether a process with this pid still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
