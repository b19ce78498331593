import { Pull, Push } from "zeromq";
import { receiveEach } from "../src/transport/receive-each.js";
import { waitFor } from "../testing/mod.js";

// receiveEach replaced `for await (const frames of socket)` in every read loop of the mesh: it must
// end the same way (quietly when we close the socket) and surface the same failures.

async function connectedPair(): Promise<{ push: Push; pull: Pull }> {
  const pull = new Pull({ linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  const push = new Push({ linger: 0 });
  push.connect(pull.lastEndpoint as string);
  return { push, pull };
}

describe("receiveEach", () => {
  it("hands over every message in order, frames intact, and resolves once the socket is closed", async () => {
    const { push, pull } = await connectedPair();
    const taken: string[][] = [];
    const reading = receiveEach(pull, (frames) => taken.push(frames.map(String)));
    for (let i = 0; i < 100; i++) await push.send([`head ${i}`, `payload ${i}`]);
    await waitFor("100 messages", () => taken.length === 100, 5000);
    expect(taken).toEqual(Array.from({ length: 100 }, (_, i) => [`head ${i}`, `payload ${i}`]));
    // Closing rejects the pending receive with EAGAIN: the loop ends, it does not fail.
    pull.close();
    await expect(reading).resolves.toBeUndefined();
    push.close();
  });

  it("rejects with what `take` threw, and reads nothing after it", async () => {
    const { push, pull } = await connectedPair();
    const taken: string[] = [];
    const reading = receiveEach(pull, ([head]) => {
      if (String(head) === "bad") throw new Error("take failed");
      taken.push(String(head));
    });
    await push.send("good");
    await push.send("bad");
    await push.send("after");
    await expect(reading).rejects.toThrow("take failed");
    expect(taken).toEqual(["good"]);
    push.close();
    pull.close();
  });

  it("takes nothing from a socket already closed", async () => {
    const { push, pull } = await connectedPair();
    pull.close();
    let taken = 0;
    await expect(receiveEach(pull, () => taken++)).resolves.toBeUndefined();
    expect(taken).toBe(0);
    push.close();
  });
});
