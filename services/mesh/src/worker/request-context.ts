import type { Logger } from "../observability/logger.js";
import type { PeerClient } from "../peer/peer-client.js";
import type { CallOptions, CallResult, JobContext, JobRequest } from "./jobs.js";

/**
 * What a handler gets beside its request. A class with getters, not an object literal with a
 * getter and a closure per request: one small object on the data plane's path, and `call` and
 * `logger` are only made when a handler asks for them (destructuring `{ call }` works too; a spread
 * copy keeps only `traceId` and `deadline`).
 */
export class RequestContext implements JobContext {
  readonly traceId: string;
  readonly #request: JobRequest;
  readonly #baseLogger: Logger;
  readonly #peers: () => PeerClient;

  constructor(
    request: JobRequest,
    readonly deadline: number,
    baseLogger: Logger,
    peers: () => PeerClient,
  ) {
    this.traceId = request.traceId;
    this.#request = request;
    this.#baseLogger = baseLogger;
    this.#peers = peers;
  }

  get logger(): Logger {
    return this.#baseLogger.child({ traceId: this.#request.traceId, job: this.#request.job });
  }

  /** Calls another service within this job's deadline and under its trace id. */
  get call(): JobContext["call"] {
    return (
      service: string,
      job: string,
      payload: Uint8Array,
      options: CallOptions = {},
    ): Promise<CallResult> =>
      this.#peers().call(service, job, payload, {
        traceId: this.#request.traceId,
        timeoutMs: Math.max(1, this.deadline - Date.now()),
        ...options,
      });
  }
}
