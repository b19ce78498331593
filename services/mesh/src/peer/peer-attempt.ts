import { CallFailure, MeshError } from "../errors.js";
import type { Message } from "../protocol/mod.js";

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
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly instanceId: string,
    request: Promise<Message>,
    budgetMs: number | undefined,
    onOverdue: () => void,
  ) {
    this.overdue = new Promise((resolve) => {
      if (budgetMs === undefined) return;
      this.#timer = setTimeout(() => {
        this.#isOverdue = true;
        onOverdue();
        resolve();
      }, budgetMs);
    });
    this.settled = request.then(
      (reply): AttemptOutcome => ({ ok: true, reply }),
      (error: unknown): AttemptOutcome => ({
        ok: false,
        failure: error instanceof MeshError ? error : new MeshError(CallFailure.SEND_FAILED, String(error)),
      }),
    );
    void this.settled.then(() => clearTimeout(this.#timer));
  }

  get isOverdue(): boolean {
    return this.#isOverdue;
  }
}
