import type { Logger } from "../observability/logger.js";

/** What a job handler receives: the payload as raw bytes plus what travelled with it. */
export interface JobRequest {
  job: string;
  /** A view of the received message (of a BATCH, up to 1 MiB): copy what you keep past the job. */
  payload: Uint8Array;
  contentType: string;
  traceId: string;
}

export interface JobResult {
  payload: Uint8Array;
  contentType: string;
}

/**
 * What a call through the mesh returns: the job's result and who produced it. Its payload is a view
 * of the received message (of a BATCH, up to 1 MiB): copy what you keep for long.
 */
export interface CallResult extends JobResult {
  /** The instance that answered. */
  servedBy: string;
  /** Time the job spent on that instance, queueing included, in ms. */
  durationMs: number;
}

/** How one call through the mesh is made. */
export interface CallOptions {
  /** The call's deadline, in ms from now: every attempt, retry and hedge fits within it. */
  timeoutMs?: number;
  /**
   * The job is idempotent (safe to run twice): it may be hedged on another instance when the first
   * is slower than it usually is, and retried elsewhere after a timeout or disconnect.
   */
  retryable?: boolean;
  /** Instances one call may try, hedges included (default 3). */
  maxAttempts?: number;
  contentType?: string;
  /** The request id that follows the job across hops (a new one if absent). */
  traceId?: string;
}

export interface JobContext {
  /** The request id that follows this job across hops; passed on by `call`. */
  traceId: string;
  /** Epoch ms after which the caller has given up. */
  deadline: number;
  logger: Logger;
  /** Calls another service through the mesh, within this job's deadline and under its trace id. */
  call(service: string, job: string, payload: Uint8Array, options?: CallOptions): Promise<CallResult>;
}

export type JobHandler = (request: JobRequest, context: JobContext) => Promise<JobResult> | JobResult;

/** The default export of a thread module: runs on a worker thread, so it gets no context. */
export type ThreadJobHandler = (request: JobRequest) => Promise<JobResult> | JobResult;

interface JobLimits {
  /** Jobs of this type that run at once (threads, for a thread job). */
  concurrency: number;
  /** Jobs of this type that may wait for a slot; past that the worker answers BUSY. */
  queueCapacity: number;
}

/** A job type a worker serves: on the event loop (`run`) or, for CPU-bound work, on a thread pool. */
export type JobDefinition = JobLimits &
  (
    | { run: JobHandler }
    | {
        threadModule: URL | string;
        /** Handed to every thread as `workerData` (e.g. the instance's name). */
        threadData?: unknown;
      }
  );

export const JSON_CONTENT_TYPE = "application/json";

/** A job result holding `value` as JSON. */
export function jsonResult(value: unknown): JobResult {
  return { payload: Buffer.from(JSON.stringify(value)), contentType: JSON_CONTENT_TYPE };
}

/** A JSON payload read back (throws on invalid JSON: a handler's throw becomes JOB_FAILED). */
export function parseJson<T = unknown>(payload: Uint8Array): T {
  return JSON.parse(
    Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString("utf8"),
  ) as T;
}
