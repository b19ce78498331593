// The supervision policy of `make run`: during start-up any exit stops everything; once the
// system is ready, an exited process is restarted with backoff; Ctrl-C stops everything in order.

const KILL_AFTER_MS = 20_000;

/** Describes how a process ended, e.g. "code 2" or "SIGKILL". @param {number | null} code @param {NodeJS.Signals | null} signal */
export const exitStatus = (code, signal) => signal ?? `code ${code}`;

/** Runs a set of SupervisedProcess; the first ones are the mapper replicas, stopped last. */
export class Supervisor {
  /** @type {"starting" | "running" | "stopping"} */
  phase = "starting";
  /** @type {Set<NodeJS.Timeout>} */
  #pendingRestarts = new Set();
  /** @type {Promise<void> | undefined} */
  #stopped;

  /**
   * @param {import("./supervised-process.mjs").SupervisedProcess[]} processes
   * @param {(why: string[]) => void} onStartupFailure called once when a process exits during start-up
   * @param {number} [mappers] how many of the first processes are mapper replicas (default 1)
   */
  constructor(processes, onStartupFailure, mappers = 1) {
    this.processes = processes;
    this.onStartupFailure = onStartupFailure;
    this.mappers = mappers;
  }

  startAll() {
    for (const service of this.processes) service.start();
  }

  /** Start-up is over: from now on an exited process is restarted. */
  markRunning() {
    if (this.phase === "starting") this.phase = "running";
  }

  /**
   * What the launcher does when one of its processes has exited.
   * @param {import("./supervised-process.mjs").SupervisedProcess} service
   * @param {number | null} code @param {NodeJS.Signals | null} signal
   */
  handleExit(service, code, signal) {
    const status = exitStatus(code, signal);
    if (this.phase === "stopping") {
      service.say(`exited (${status})`);
      return;
    }
    if (this.phase === "starting") {
      service.say(`exited (${status}) during start-up`);
      const lines = service.tail;
      this.onStartupFailure([
        `${service.name} exited (${status}) before zmesh was ready.`,
        ...(lines.length ? [`Its last lines:`, ...lines.map((line) => `  ${line}`)] : []),
      ]);
      return;
    }
    const delayMs = service.backoff.nextDelay(service.uptimeMs);
    service.say(`exited (${status}); restarting in ${delayMs / 1000} s`);
    const timer = setTimeout(() => {
      this.#pendingRestarts.delete(timer);
      service.start();
    }, delayMs);
    this.#pendingRestarts.add(timer);
  }

  /**
   * Stops every process: the members first (they deregister and drain), the mapper last.
   * Past a deadline, or on `forceNow`, whatever still runs is killed.
   */
  stopAll() {
    this.phase = "stopping";
    for (const timer of this.#pendingRestarts) clearTimeout(timer);
    this.#pendingRestarts.clear();
    this.#stopped ??= this.#stopInOrder();
    return this.#stopped;
  }

  /** Kills every process still running (a second Ctrl-C, or the stop deadline). */
  killAll() {
    for (const service of this.processes) if (service.running) void service.stop("SIGKILL");
  }

  async #stopInOrder() {
    const deadline = setTimeout(() => this.killAll(), KILL_AFTER_MS);
    deadline.unref();
    const mappers = this.processes.slice(0, this.mappers);
    const members = this.processes.slice(this.mappers);
    await Promise.all(members.map((member) => member.stop("SIGTERM")));
    await Promise.all(mappers.map((mapper) => mapper.stop("SIGTERM")));
    clearTimeout(deadline);
  }
}
