type Task = () => Promise<void>;

/**
 * Runs at most `concurrency` tasks at once and holds at most `capacity` more in FIFO order.
 * Anything past that is refused, never buffered: the caller answers BUSY and the sender tries
 * another instance. That refusal is the mesh's backpressure.
 */
export class BoundedJobQueue {
  readonly #waiting: Task[] = [];
  #running = 0;
  #idleWaiters: (() => void)[] = [];

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
    task()
      .catch(() => {})
      .finally(() => this.#finish());
  }

  #finish(): void {
    this.#running--;
    const next = this.#waiting.shift();
    if (next) this.#start(next);
    else if (this.#running === 0) {
      for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }
}
