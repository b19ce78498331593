import { Piscina } from "piscina";
import type { JobRequest, JobResult } from "./jobs.js";

/**
 * Worker threads for CPU-bound work, so the event loop stays free for heartbeats and socket I/O
 * (a worker burning 100% CPU on the loop would miss heartbeats and be expired by mistake).
 * For jobs, admission control stays with BoundedJobQueue: the pool never holds more than `threads` tasks.
 */
export class ThreadPool<Input = JobRequest, Output = JobResult> {
  readonly #pool: Piscina;

  constructor(module: URL | string, threads: number, workerData?: unknown) {
    this.#pool = new Piscina({
      filename: module instanceof URL ? module.href : module,
      workerData,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Number.POSITIVE_INFINITY,
    });
  }

  run(input: Input): Promise<Output> {
    return this.#pool.run(input) as Promise<Output>;
  }

  async close(): Promise<void> {
    await this.#pool.destroy();
  }
}
