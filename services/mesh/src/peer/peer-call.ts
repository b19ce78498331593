import { CallFailure, MeshError } from "../errors.js";
import { contentTypeOf, type Headers, type Load, setContentType } from "../protocol/mod.js";
import type { CallResult } from "../worker/jobs.js";
import type { LatencyEstimate } from "./latency-estimate.js";
import { type AttemptEvents, type AttemptOutcome, misdirected, type PeerAttempt } from "./peer-attempt.js";
import type { PeerConnection } from "./peer-connection.js";

/** What a call needs from its client, for one service: built once per service, shared by its calls. */
export interface ServiceRoute {
  readonly service: string;
  /** The instance for the next attempt, among those not tried yet; undefined when none is usable. */
  pick(job: string, tried: readonly string[]): PeerConnection | undefined;
  /** How long an attempt on `connection` may take before it is overdue; undefined while unknown. */
  budget(connection: PeerConnection, job: string): number | undefined;
  /** Latency of `job` over all of the service's instances. */
  jobLatency(job: string): LatencyEstimate;
  /** Another attempt starts after `reason` (a lower-case failure code). */
  retried(reason: string): void;
  /** An instance answered BUSY with its load. */
  busy(instanceId: string, load: Load): void;
}

export interface CallPlan {
  job: string;
  payload: Uint8Array;
  /** Epoch ms by which the call must be answered. */
  deadline: number;
  maxAttempts: number;
  retryable: boolean;
  traceId: string;
  contentType: string;
}

const EMPTY = new Uint8Array(0);

/**
 * One call through the mesh, as a state machine driven by its attempts' callbacks: it starts an
 * attempt, hedges on another instance when one is overdue (idempotent jobs only), retries BUSY and
 * misdirected answers elsewhere, and ends once with a result or a MeshError. Answers that come after
 * the end still teach the job's latency, and their instance's health (see PeerConnection).
 */
export class PeerCall implements AttemptEvents {
  /** Instances this call has tried, in order: a few at most (maxAttempts). */
  readonly #tried: string[] = [];
  #running = 0;
  #lastFailure: MeshError | undefined;
  #ended = false;

  constructor(
    private readonly route: ServiceRoute,
    private readonly plan: CallPlan,
    private readonly end: (error: Error | undefined, result?: CallResult) => void,
  ) {}

  start(): void {
    this.#launch();
    if (this.#running === 0) this.#giveUp();
  }

  overdue(attempt: PeerAttempt): void {
    if (this.#ended) return;
    this.#lastFailure = new MeshError(CallFailure.TIMEOUT, `${attempt.instanceId} is overdue`);
    // Idempotent: ask another instance too, and take whichever answers first.
    if (!this.plan.retryable) return;
    try {
      this.#launch();
    } catch (error) {
      this.#crash(error);
    }
  }

  settled(attempt: PeerAttempt, outcome: AttemptOutcome): void {
    if (outcome.ok && outcome.reply.type === "REPLY")
      this.route.jobLatency(this.plan.job).observe(performance.now() - attempt.startedAt);
    if (this.#ended) return;
    this.#running--;
    try {
      this.#take(attempt, outcome);
    } catch (error) {
      this.#crash(error);
    }
  }

  #take(attempt: PeerAttempt, outcome: AttemptOutcome): void {
    if (!outcome.ok) {
      this.#lastFailure = outcome.failure;
      // The job may have run before the failure: only an idempotent one may run again.
      if (this.plan.retryable) this.#next();
      else this.#finish(outcome.failure);
      return;
    }
    const { reply } = outcome;
    if (reply.type === "REPLY") {
      this.#finish(undefined, {
        payload: reply.payload ?? EMPTY,
        contentType: contentTypeOf(reply.header),
        servedBy: attempt.instanceId,
        durationMs: reply.header.durationMs,
      });
    } else if (reply.type === "BUSY") {
      this.route.busy(attempt.instanceId, reply.header.load);
      this.#lastFailure = new MeshError(CallFailure.BUSY, `${attempt.instanceId} is busy`);
      this.#next();
    } else if (reply.type === "ERROR" && misdirected(reply)) {
      this.#lastFailure = new MeshError(reply.header.code, `${attempt.instanceId}: ${reply.header.message}`);
      this.#next();
    } else if (reply.type === "ERROR") {
      this.#finish(new MeshError(reply.header.code, reply.header.message));
    } else {
      const unexpected = `unexpected ${reply.type} from ${attempt.instanceId}`;
      this.#finish(new MeshError(CallFailure.SEND_FAILED, unexpected));
    }
  }

  /** After an attempt that did not answer the call: another one, if none is running; else give up. */
  #next(): void {
    if (this.#running > 0) return;
    this.#launch();
    if (this.#running === 0) this.#giveUp();
  }

  /** Starts one more attempt on an instance not tried yet; false if none can start. */
  #launch(): boolean {
    const { route, plan } = this;
    const timeoutMs = Math.ceil(plan.deadline - Date.now());
    if (timeoutMs <= 0 || this.#tried.length >= plan.maxAttempts) return false;
    const connection = route.pick(plan.job, this.#tried);
    if (!connection) return false;
    this.#tried.push(connection.instanceId);
    if (this.#lastFailure) route.retried(this.#lastFailure.code.toLowerCase());
    const header: Omit<Headers["REQUEST"], "id"> = {
      service: route.service,
      job: plan.job,
      timeoutMs,
      traceId: plan.traceId,
    };
    setContentType(header, plan.contentType);
    // Knowing nothing of the job yet, an idempotent call still shares its deadline between its attempts.
    const budgetMs =
      route.budget(connection, plan.job) ??
      (plan.retryable ? Math.ceil(timeoutMs / (plan.maxAttempts - this.#tried.length + 1)) : undefined);
    connection.send(header, plan.payload, budgetMs, this);
    this.#running++;
    return true;
  }

  #giveUp(): void {
    const { service } = this.route;
    if (this.#lastFailure) this.#finish(this.#lastFailure);
    else if (Date.now() >= this.plan.deadline)
      this.#finish(new MeshError(CallFailure.TIMEOUT, `no ${service} answered ${this.plan.job} in time`));
    else this.#finish(new MeshError(CallFailure.NO_PEER, `no available instance of ${service}`));
  }

  #finish(error: Error | undefined, result?: CallResult): void {
    if (this.#ended) return;
    this.#ended = true;
    this.end(error, result);
  }

  /** Attempts call back from the socket's read loop: a throw there must end this call, not the loop. */
  #crash(error: unknown): void {
    this.#finish(error instanceof Error ? error : new Error(String(error)));
  }
}
