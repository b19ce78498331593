import { Dealer } from "zeromq";

/**
 * The least any request/reply client over zeromq needs, as the floor zmesh is measured against: one
 * DEALER, one reader, one writer queue, correlation by a counter echoed back by bare-echo-server.
 */
export function bareEchoClient(endpoint: string, payload: Uint8Array = Buffer.alloc(0)) {
  const dealer = new Dealer({ linger: 0, sendHighWaterMark: 100_000, receiveHighWaterMark: 100_000 });
  dealer.connect(endpoint);
  const waiting = new Map<number, () => void>();
  let sending = Promise.resolve();
  void (async () => {
    for await (const [id] of dealer) waiting.get((id as Buffer).readUInt32LE(0))?.();
  })();
  let next = 0;
  return {
    roundTrip: () =>
      new Promise<void>((done) => {
        const id = next++ >>> 0;
        waiting.set(id, () => {
          waiting.delete(id);
          done();
        });
        const frame = Buffer.alloc(4);
        frame.writeUInt32LE(id, 0);
        sending = sending.then(() => dealer.send([frame, payload]));
      }),
    close: () => dealer.close(),
  };
}
