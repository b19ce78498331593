import { CallFailure, MeshError } from "../errors.js";
import { ErrorCode, type Message } from "../protocol/mod.js";
import { type Deadline, deadlines } from "../transport/deadline-sweep.js";
import type { ReplyWaiter } from "../transport/dealer-channel.js";

/**
 * ERROR codes that mean the job never ran because the instance is not what its record claims
 * (another service, not a worker, another protocol, no such job): safe to send elsewhere.
 */
const NOT_RUN_HERE: ReadonlySet<string> = new Set([
  ErrorCode.MALFORMED,
  ErrorCode.UNSUPPORTED_VERSION,
  ErrorCode.UNKNOWN_TYPE,
  ErrorCode.UNEXPECTED_TYPE,
  ErrorCode.UNKNOWN_JOB,
  ErrorCode.WRONG_SERVICE,
]);

/** True for an ERROR reply whose job did not run because the request reached the wrong party. */
export function misdirected(reply: Message): boolean {
  return reply.type === "ERROR" && NOT_RUN_HERE.has(reply.header.code);
}

/** How one attempt ended: an answer of any kind, or a failure to get one. */
export type AttemptOutcome = { ok: true; reply: Message } | { ok: false; failure: MeshError };

/** Who hears what happens to an attempt: its connection (the instance's health) first, then its call. */
export interface AttemptEvents {
  /** The budget passed before the answer: the caller may hedge elsewhere and still take a late answer. */
  overdue(attempt: PeerAttempt): void;
  /** The instance answered or the request failed; called once, and never before the request is sent. */
  settled(attempt: PeerAttempt, outcome: AttemptOutcome): void;
}

/**
 * One request to one instance within a call. It settles when the instance answers or the request
 * fails, and says separately when it became overdue: past the time this instance usually takes.
 * Callbacks, not promises: the common case (one attempt, answered within its budget) costs no
 * promise and no timer of its own (the budget is one entry in the shared DeadlineSweep).
 */
export class PeerAttempt implements ReplyWaiter, Deadline {
  readonly startedAt = performance.now();
  /** When the budget runs out (performance.now() clock); Infinity without a budget. */
  readonly at: number;
  #isOverdue = false;
  #budgeted: boolean;

  constructor(
    readonly instanceId: string,
    readonly job: string,
    budgetMs: number | undefined,
    private readonly connection: AttemptEvents,
    private readonly call: AttemptEvents,
  ) {
    this.at = budgetMs === undefined ? Number.POSITIVE_INFINITY : this.startedAt + budgetMs;
    this.#budgeted = budgetMs !== undefined;
    if (this.#budgeted) deadlines.schedule(this);
  }

  get isOverdue(): boolean {
    return this.#isOverdue;
  }

  resolve(reply: Message): void {
    this.#settle({ ok: true, reply });
  }

  reject(error: unknown): void {
    const failure =
      error instanceof MeshError ? error : new MeshError(CallFailure.SEND_FAILED, String(error));
    this.#settle({ ok: false, failure });
  }

  /** The budget passed (called by the DeadlineSweep). */
  fire(): void {
    this.#budgeted = false;
    this.#isOverdue = true;
    this.connection.overdue(this);
    this.call.overdue(this);
  }

  #settle(outcome: AttemptOutcome): void {
    if (this.#budgeted) deadlines.cancel(this);
    this.#budgeted = false;
    this.connection.settled(this, outcome);
    this.call.settled(this, outcome);
  }
}
