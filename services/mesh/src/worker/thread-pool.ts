import { Piscina } from "piscina";
import type { JobRequest, JobResult } from "./jobs.js";

/**
 * Worker threads for CPU-bound work, so the event loop stays free for heartbeats and socket I/O
 * (a worker burning 100% CPU on the loop would miss heartbeats and be expired by mistake).
 * For jobs, admission control stays with BoundedJobQueue: the pool never holds more than `threads` tasks.
 */
export class ThreadPool<Input = JobRequest, Output = JobResult> {
  readonly #pool: Piscina;
  readonly #threads: number;

  constructor(module: URL | string, threads: number, workerData?: unknown) {
    this.#threads = threads;
    this.#pool = new Piscina({
      filename: module instanceof URL ? module.href : module,
      workerData,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Number.POSITIVE_INFINITY,
    });
  }

  /**
   * Resolves once every thread has loaded its module (piscina holds tasks until then): one task per
   * thread calls the module's `ready` export, if it has one. A thread's start (imports, fonts) can
   * take most of a second: a worker that registers before it would make its first callers wait.
   */
  async ready(): Promise<void> {
    const calls = Array.from({ length: this.#threads }, () => this.#pool.run(undefined, { name: "ready" }));
    await Promise.allSettled(calls);
  }

  run(input: Input): Promise<Output> {
    return this.#pool.run(input) as Promise<Output>;
  }

  async close(): Promise<void> {
    await this.#pool.destroy();
  }
}
