import type { Counter, Histogram } from "prom-client";
import type { Logger } from "../observability/logger.js";
import type { workerMetrics } from "../observability/metrics.js";
import {
  contentTypeOf,
  ErrorCode,
  encodeError,
  encodeForSend,
  type Headers,
  type Load,
  type MessageOf,
  type OutgoingFrames,
  setContentType,
} from "../protocol/mod.js";
import { ownBytes } from "../util/own-bytes.js";
import { BoundedJobQueue } from "./job-queue.js";
import type { JobContext, JobDefinition, JobHandler, JobRequest, JobResult } from "./jobs.js";
import { LoadTracker } from "./load-tracker.js";
import { ThreadPool } from "./thread-pool.js";

type Outcome = "ok" | "error" | "busy" | "deadline";

interface ServedJob {
  queue: BoundedJobQueue;
  run: JobHandler;
  pool?: ThreadPool;
  // Label children resolved once: a labelled inc() hashes its labels on every call.
  outcomes: Record<Outcome, Counter.Internal>;
  duration: Histogram.Internal<string>;
  busy: Counter.Internal;
}

export interface JobServerOptions {
  service: string;
  jobs: Record<string, JobDefinition>;
  metrics: ReturnType<typeof workerMetrics>;
  logger: Logger;
  /** The context a handler gets: logger, deadline and `call` for reaching other workers. */
  contextFor: (request: JobRequest, deadline: number) => JobContext;
}

type Reply = (frames: OutgoingFrames) => void;
const EMPTY = new Uint8Array(0);

/**
 * Admission and execution of jobs: each REQUEST is refused (BUSY, ERROR) or queued, run, and
 * answered exactly once through `reply`. Knows nothing of sockets.
 */
export class JobServer {
  readonly #jobs: Map<string, ServedJob>;
  readonly #loadTracker: LoadTracker;
  #draining = false;

  constructor(private readonly options: JobServerOptions) {
    const { metrics } = options;
    this.#jobs = new Map(
      Object.entries(options.jobs).map(([name, definition]) => {
        const outcome = (value: Outcome) => metrics.jobs.labels({ job: name, outcome: value });
        return [
          name,
          {
            ...runnerFor(definition),
            queue: new BoundedJobQueue(definition.concurrency, definition.queueCapacity),
            outcomes: {
              ok: outcome("ok"),
              error: outcome("error"),
              busy: outcome("busy"),
              deadline: outcome("deadline"),
            },
            duration: metrics.jobDuration.labels({ job: name }),
            busy: metrics.busy.labels({ job: name }),
          },
        ];
      }),
    );
    this.#loadTracker = new LoadTracker(new Map([...this.#jobs].map(([name, job]) => [name, job.queue])));
    // Counters start at zero, so dashboards and rate() see every series before its first event.
    for (const job of this.#jobs.values()) {
      for (const counter of [...Object.values(job.outcomes), job.busy]) counter.inc(0);
    }
  }

  /** Current load; also refreshes the load gauges, since this runs every heartbeat. */
  load(): Load {
    const { metrics } = this.options;
    const current = this.#loadTracker.current();
    metrics.load.set(current.utilization);
    for (const [name, job] of this.#jobs) {
      metrics.queueDepth.set({ job: name }, job.queue.queued);
      metrics.inFlight.set({ job: name }, job.queue.inFlight);
    }
    return current;
  }

  /** From now on every new job gets BUSY (retryable elsewhere); jobs already accepted still run. */
  drain(): void {
    this.#draining = true;
  }

  /** Resolves once every accepted job has been answered. */
  async idle(): Promise<void> {
    await Promise.all([...this.#jobs.values()].map((job) => job.queue.idle()));
  }

  /** Resolves once every thread pool has started its threads (see ThreadPool.ready). */
  async ready(): Promise<void> {
    await Promise.all([...this.#jobs.values()].map((job) => job.pool?.ready()));
  }

  async close(): Promise<void> {
    await Promise.all([...this.#jobs.values()].map((job) => job.pool?.close()));
  }

  handle(message: MessageOf<"REQUEST">, reply: Reply): void {
    const { id, job: name, service } = message.header;
    const job = this.#jobs.get(name);
    const arrivedAt = performance.now();
    if (service !== this.options.service) {
      reply(encodeError(ErrorCode.WRONG_SERVICE, `this is ${this.options.service}, not ${service}`, id));
    } else if (!job) {
      this.options.metrics.jobs.inc({ job: "unknown", outcome: "unknown_job" });
      reply(encodeError(ErrorCode.UNKNOWN_JOB, `${this.options.service} has no job ${name}`, id));
    } else if (this.#draining || !job.queue.offer(() => this.#run(job, message, reply, arrivedAt))) {
      job.outcomes.busy.inc();
      job.busy.inc();
      this.#loadTracker.recordRefused();
      reply(encodeForSend("BUSY", { id, load: this.load() }));
    }
  }

  /** Runs one job and answers it; a promise only when the handler returned one (synchronous jobs finish in this tick). */
  #run(
    job: ServedJob,
    message: MessageOf<"REQUEST">,
    reply: Reply,
    arrivedAt: number,
  ): Promise<void> | undefined {
    const { id, timeoutMs, traceId } = message.header;
    // Deadlines are local: the caller's remaining budget, counted from arrival.
    const deadline = Math.round(Date.now() - (performance.now() - arrivedAt) + timeoutMs);
    if (Date.now() >= deadline) {
      const frames = encodeError(ErrorCode.DEADLINE_EXCEEDED, "deadline passed while queued", id);
      this.#finish(job, reply, arrivedAt, "deadline", frames);
      return undefined;
    }
    const request: JobRequest = {
      job: message.header.job,
      payload: message.payload ?? EMPTY,
      contentType: contentTypeOf(message.header),
      traceId,
    };
    let produced: Promise<JobResult> | JobResult;
    try {
      produced = job.run(request, this.options.contextFor(request, deadline));
    } catch (error) {
      this.#fail(job, message, reply, arrivedAt, error);
      return undefined;
    }
    if (produced instanceof Promise) {
      return produced.then(
        (result) => this.#succeed(job, message, reply, arrivedAt, result),
        (error: unknown) => this.#fail(job, message, reply, arrivedAt, error),
      );
    }
    this.#succeed(job, message, reply, arrivedAt, produced);
    return undefined;
  }

  /** A result that cannot be encoded fails the job, as a throwing handler does. */
  #succeed(
    job: ServedJob,
    message: MessageOf<"REQUEST">,
    reply: Reply,
    arrivedAt: number,
    result: JobResult,
  ): void {
    try {
      // To the µs: more digits would only lengthen the header.
      const durationMs = Math.round((performance.now() - arrivedAt) * 1000) / 1000;
      const header: Headers["REPLY"] = { id: message.header.id, durationMs };
      setContentType(header, result.contentType);
      const frames = encodeForSend("REPLY", header, result.payload);
      this.#loadTracker.recordServed();
      this.#finish(job, reply, arrivedAt, "ok", frames);
    } catch (error) {
      this.#fail(job, message, reply, arrivedAt, error);
    }
  }

  #fail(
    job: ServedJob,
    message: MessageOf<"REQUEST">,
    reply: Reply,
    arrivedAt: number,
    error: unknown,
  ): void {
    const reason = error instanceof Error ? error.message : String(error);
    const { traceId, job: name, id } = message.header;
    this.options.logger.warn("job failed", { traceId, job: name, error: reason });
    this.#finish(job, reply, arrivedAt, "error", encodeError(ErrorCode.JOB_FAILED, reason, id));
  }

  /** The answer leaves first: the caller is waiting, the counting is not. */
  #finish(job: ServedJob, reply: Reply, arrivedAt: number, outcome: Outcome, frames: OutgoingFrames): void {
    const ms = performance.now() - arrivedAt;
    reply(frames);
    job.outcomes[outcome].inc();
    job.duration.observe(ms / 1000);
    this.#loadTracker.recordLatency(ms);
  }
}

function runnerFor(definition: JobDefinition): { run: JobHandler; pool?: ThreadPool } {
  if ("run" in definition) return { run: definition.run };
  const pool = new ThreadPool(definition.threadModule, definition.concurrency, definition.threadData);
  return { pool, run: (request) => pool.run({ ...request, payload: ownBytes(request.payload) }) };
}
