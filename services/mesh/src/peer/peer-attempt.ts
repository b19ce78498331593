import { CallFailure, MeshError } from "../errors.js";
import { ErrorCode, type Message } from "../protocol/mod.js";
import { type Deadline, deadlines } from "../transport/deadline-sweep.js";

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

/**
 * One request to one instance within a call. It settles when the instance answers or the request
 * fails (never rejects), and says separately when it became overdue: past the time this instance
 * usually takes, so the caller may hedge elsewhere while still accepting a late answer.
 */
export class PeerAttempt {
  readonly settled: Promise<AttemptOutcome>;
  /** Resolves if the budget passes before the answer; never resolves otherwise. */
  readonly overdue: Promise<void>;
  #isOverdue = false;
  #budget: Deadline | undefined;

  constructor(
    readonly instanceId: string,
    request: Promise<Message>,
    budgetMs: number | undefined,
    onOverdue: () => void,
  ) {
    this.overdue = new Promise((resolve) => {
      if (budgetMs === undefined) return;
      this.#budget = deadlines.add(budgetMs, () => {
        this.#isOverdue = true;
        onOverdue();
        resolve();
      });
    });
    this.settled = request.then(
      (reply): AttemptOutcome => ({ ok: true, reply }),
      (error: unknown): AttemptOutcome => ({
        ok: false,
        failure: error instanceof MeshError ? error : new MeshError(CallFailure.SEND_FAILED, String(error)),
      }),
    );
    void this.settled.then(() => {
      if (this.#budget) deadlines.cancel(this.#budget);
    });
  }

  get isOverdue(): boolean {
    return this.#isOverdue;
  }
}
