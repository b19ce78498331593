// One process of `make run`: started (and started again) by the supervisor, its output prefixed.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { RestartBackoff } from "./backoff.mjs";

const TAIL_LINES = 5;

/**
 * A service run as a child process: its log lines go to `write` with the process's prefix, and
 * the last few are kept to explain an exit.
 */
export class SupervisedProcess {
  /** @type {import("node:child_process").ChildProcess | undefined} */
  #child;
  /** @type {string[]} */
  #tail = [];
  #startedAt = 0;
  /** @type {Promise<void>} */
  #closed = Promise.resolve();

  /**
   * @param {{
   *   name: string, script: string, env: NodeJS.ProcessEnv, prefix: string,
   *   format: (line: string) => string, write: (text: string) => void,
   *   onExit: (process: SupervisedProcess, code: number | null, signal: NodeJS.Signals | null) => void,
   * }} options
   */
  constructor(options) {
    this.options = options;
    this.name = options.name;
    this.backoff = new RestartBackoff();
  }

  /** Starts the process (again); its own process group, so a terminal's Ctrl-C reaches only the launcher. */
  start() {
    const child = spawn(process.execPath, [this.options.script], {
      env: this.options.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    this.#child = child;
    this.#tail = [];
    this.#startedAt = Date.now();
    this.say(`started (pid ${child.pid})`);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        const shown = this.options.format(line);
        this.#tail = [...this.#tail.slice(1 - TAIL_LINES), shown];
        this.say(shown);
      });
    }
    // 'close' comes after the last output line, so the tail is complete when onExit runs.
    this.#closed = new Promise((done) =>
      child.once("close", (code, signal) => {
        done();
        this.options.onExit(this, code, signal);
      }),
    );
  }

  /** Writes one line under this process's prefix. @param {string} text */
  say(text) {
    this.options.write(`${this.options.prefix}${text}\n`);
  }

  get pid() {
    return this.#child?.pid;
  }

  get running() {
    const child = this.#child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** How long the current (or last) run has lasted, in ms. */
  get uptimeMs() {
    return Date.now() - this.#startedAt;
  }

  /** The last lines the process wrote, as shown. */
  get tail() {
    return [...this.#tail];
  }

  /** Sends `signal` if the process runs, and resolves once it has exited. @param {NodeJS.Signals} signal */
  async stop(signal) {
    if (this.running) this.#child?.kill(signal);
    await this.#closed;
  }
}
