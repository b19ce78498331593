/** A job to run: synchronous handlers return nothing, asynchronous ones a promise. */
type Task = () => Promise<void> | void;

/**
 * Runs at most `concurrency` tasks at once and holds at most `capacity` more in FIFO order.
 * Anything past that is refused, never buffered: the caller answers BUSY and the sender tries
 * another instance. That refusal is the mesh's backpressure.
 */
export class BoundedJobQueue {
  readonly #waiting: Task[] = [];
  #running = 0;
  #idleWaiters: (() => void)[] = [];
  #startingWaiting = false;

  constructor(
    readonly concurrency: number,
    readonly capacity: number,
  ) {
    if (!(concurrency >= 1 && Number.isInteger(concurrency)))
      throw new RangeError("concurrency must be an integer >= 1");
    if (!(capacity >= 0 && Number.isInteger(capacity)))
      throw new RangeError("capacity must be an integer >= 0");
  }

  get inFlight(): number {
    return this.#running;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  /** Slots in all: running plus waiting. */
  get size(): number {
    return this.concurrency + this.capacity;
  }

  /** Accepts the task, or returns false when every slot is taken. Task errors are the task's own business. */
  offer(task: Task): boolean {
    if (this.#running < this.concurrency) {
      this.#start(task);
      return true;
    }
    if (this.#waiting.length >= this.capacity) return false;
    this.#waiting.push(task);
    return true;
  }

  /** Resolves once nothing runs or waits. */
  idle(): Promise<void> {
    if (this.#running === 0 && this.#waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #start(task: Task): void {
    this.#running++;
    let running: Promise<void> | void;
    try {
      running = task();
    } catch {
      running = undefined;
    }
    // A synchronous task is done now: no promise chain, its slot is free before offer() returns.
    if (running === undefined) this.#finish();
    else running.then(this.#finishTask, this.#finishTask);
  }

  readonly #finishTask = (): void => this.#finish();

  #finish(): void {
    this.#running--;
    this.#startWaiting();
    if (this.#running === 0 && this.#waiting.length === 0) {
      for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }

  /** A loop, not recursion: synchronous tasks finish inside #start, and a long queue must not deepen the stack. */
  #startWaiting(): void {
    if (this.#startingWaiting) return;
    this.#startingWaiting = true;
    while (this.#running < this.concurrency && this.#waiting.length > 0) {
      this.#start(this.#waiting.shift() as Task);
    }
    this.#startingWaiting = false;
  }
}
