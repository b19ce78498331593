import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { repoRoot } from "./repo-root.js";
import { waitFor } from "./wait-for.js";

export type LogLine = Record<string, unknown> & { message?: string };

/** A service started as a real child process, with its JSON log lines collected for assertions. */
export class ServiceProcess {
  readonly logs: LogLine[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly child: ChildProcess;

  /**
   * Starts `script` (a path from the checkout's root) with node. Logs at debug level unless `env`
   * says otherwise; `stdin: "pipe"` lets the caller write to the process (benchmarks steer children so).
   */
  constructor(
    script: string,
    env: Record<string, string> = {},
    options: { args?: string[]; stdin?: "pipe" | "ignore" } = {},
  ) {
    this.child = spawn(process.execPath, [resolve(repoRoot, script), ...(options.args ?? [])], {
      // Plaintext unless a test hands a key set (ZMESH_INSECURE: "0", ZMESH_KEYS): tests of other things need none.
      env: { ...process.env, LOG_LEVEL: "debug", ZMESH_INSECURE: "1", ...env },
      stdio: [options.stdin ?? "ignore", "pipe", "pipe"],
    });
    this.exited = new Promise((done) => this.child.once("exit", (code, signal) => done({ code, signal })));
    let buffered = "";
    this.child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          this.logs.push({ message: line });
        }
      }
    });
    this.child.stderr?.on("data", (chunk: Buffer) => this.stderr.push(chunk.toString("utf8")));
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The first log line with this message. */
  waitForLog(message: string, timeoutMs = 10_000): Promise<LogLine> {
    return this.waitForLine(`"${message}"`, (line) => line.message === message, timeoutMs);
  }

  /** The first log line that `matches`; `what` names it in the error if none comes in time. */
  waitForLine(what: string, matches: (line: LogLine) => boolean, timeoutMs = 10_000): Promise<LogLine> {
    return waitFor(`log ${what} from pid ${this.pid}`, () => this.logs.find(matches), timeoutMs);
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    if (this.running) this.child.kill(signal);
  }

  async stop(): Promise<void> {
    this.kill("SIGKILL");
    await this.exited;
  }
}

export const MAPPER_SCRIPT = "services/mapper/dist/src/main.js";
export const ECHO_WORKER_SCRIPT = "services/mesh/dist/examples/echo-worker.js";

/** Starts a mapper on free ports (or on `port` to simulate a restart) and returns its control endpoint. */
export async function startMapperProcess(
  env: Record<string, string> = {},
  port = 0,
): Promise<{ mapper: ServiceProcess; endpoint: string }> {
  const mapper = new ServiceProcess(MAPPER_SCRIPT, {
    MAPPER_BIND: `tcp://127.0.0.1:${port}`,
    MAPPER_EVENTS_BIND: "tcp://127.0.0.1:0",
    METRICS_PORT: "0",
    ...env,
  });
  const listening = await mapper.waitForLog("mapper listening");
  return { mapper, endpoint: String(listening.endpoint) };
}

/** Starts the example echo worker; resolves once it listens (registration is for the test to await). */
export async function startEchoWorker(
  mapperEndpoint: string,
  env: Record<string, string> = {},
): Promise<{ worker: ServiceProcess; instanceId: string; endpoint: string }> {
  const worker = new ServiceProcess(ECHO_WORKER_SCRIPT, { MAPPER_ENDPOINT: mapperEndpoint, ...env });
  const listening = await worker.waitForLog("worker listening");
  return { worker, instanceId: String(listening.instance), endpoint: String(listening.endpoint) };
}

/** The processes a test file started: all killed after each test, whatever happened. */
export class ProcessGroup {
  readonly #processes: ServiceProcess[] = [];

  add<T extends { [key: string]: unknown }>(started: T): T {
    for (const value of Object.values(started))
      if (value instanceof ServiceProcess) this.#processes.push(value);
    return started;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.#processes.splice(0).map((child) => child.stop()));
  }
}
