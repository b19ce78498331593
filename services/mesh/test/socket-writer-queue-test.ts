import { SocketWriter } from "../src/transport/socket-writer.js";

type Frames = Buffer[];

/**
 * A socket that behaves as zeromq.js does: a send started while another is pending throws EBUSY
 * synchronously. Each send stays pending until the test completes or fails it.
 */
class FakeSocket {
  readonly delivered: string[] = [];
  readonly #waiting: { frames: Frames; resolve(): void; reject(error: Error): void }[] = [];
  #busy = false;
  ebusyThrown = 0;

  send(frames: Frames): Promise<void> {
    if (this.#busy) {
      this.ebusyThrown++;
      throw Object.assign(new Error("Socket is busy writing"), { code: "EBUSY" });
    }
    this.#busy = true;
    return new Promise((resolve, reject) => this.#waiting.push({ frames, resolve, reject }));
  }

  get pendingSends(): number {
    return this.#waiting.length;
  }

  /** ZeroMQ takes the pending message. */
  async complete(): Promise<void> {
    const send = this.#take();
    this.delivered.push(send.frames.map(String).join("|"));
    send.resolve();
    await flush();
  }

  /** ZeroMQ refuses the pending message. */
  async fail(error: Error): Promise<void> {
    this.#take().reject(error);
    await flush();
  }

  #take() {
    const send = this.#waiting.shift();
    if (!send) throw new Error("no send is pending");
    this.#busy = false;
    return send;
  }
}

/** Lets every settled promise's callbacks run. */
const flush = () => new Promise((resolve) => setImmediate(resolve));
const message = (text: string): Frames => [Buffer.from(text)];

describe("socket writer", () => {
  let socket: FakeSocket;
  let errors: unknown[];
  let writer: SocketWriter;
  beforeEach(() => {
    socket = new FakeSocket();
    errors = [];
    writer = new SocketWriter(socket, (error) => errors.push(error), 3);
  });

  it("hands messages to the socket one at a time, in order, never while a send is pending", async () => {
    const sent = [writer.send(message("a")), writer.send(message("b"))];
    writer.post(message("c"));
    await flush();
    expect(socket.pendingSends).toBe(1);
    expect(writer.pending).toBe(3);
    for (let i = 0; i < 3; i++) await socket.complete();
    await expect(Promise.all(sent)).resolves.toEqual([undefined, undefined]);
    expect(socket.delivered).toEqual(["a", "b", "c"]);
    expect(socket.ebusyThrown).toBe(0);
    expect(writer.pending).toBe(0);
    expect(errors).toEqual([]);
  });

  it("refuses past its limit, and takes messages again once the queue drains", async () => {
    for (const text of ["a", "b", "c"]) writer.post(message(text));
    await expect(writer.send(message("d"))).rejects.toThrow("send queue full (3)");
    writer.post(message("e"));
    expect(errors.map(String)).toEqual(["Error: send queue full (3)"]);
    expect(writer.pending).toBe(3);

    await socket.complete();
    const accepted = writer.send(message("f"));
    await socket.complete();
    await socket.complete();
    await socket.complete();
    await expect(accepted).resolves.toBeUndefined();
    expect(socket.delivered).toEqual(["a", "b", "c", "f"]);
  });

  it("reports a send ZeroMQ refused through onError and the promise, and goes on with the next", async () => {
    const refused = writer.send(message("a"));
    writer.post(message("b"));
    const next = writer.send(message("c"));
    await flush();
    const closed = Object.assign(new Error("Socket is closed"), { code: "EBADF" });
    await socket.fail(closed);
    await expect(refused).rejects.toBe(closed);
    await socket.fail(closed);
    await socket.complete();
    await expect(next).resolves.toBeUndefined();
    // One report per refused send, whether sent or posted; the posted one rejects nothing unhandled.
    expect(errors).toEqual([closed, closed]);
    expect(socket.delivered).toEqual(["c"]);
    expect(writer.pending).toBe(0);
  });
});
