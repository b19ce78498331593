import { Subscriber } from "zeromq";
import { MapperClient } from "../src/mod.js";
import { decode } from "../src/protocol/mod.js";
import type { MeshKeys } from "../src/security/key-set.js";
import {
  metricValue,
  outsiderKeys,
  startEchoWorker,
  startMapperProcess,
  temporaryKeySet,
  useCleanup,
  waitFor,
} from "../testing/mod.js";

// The directory says where every worker is and which key it answers with: with CURVE on, the
// mapper's events socket publishes it to members only.

const { group, closeLater } = useCleanup();
const keySet = temporaryKeySet(["echo", "cli"]);
afterAll(() => keySet.remove());

/** A raw subscriber to every event, plaintext or with `keys` (the mapper's key as server key), counting messages. */
function listen(eventsEndpoint: string, keys?: MeshKeys) {
  const secured = keys && {
    curvePublicKey: keys.own.publicKey,
    curveSecretKey: keys.own.secretKey,
    curveServerKey: keys.mapperPublicKey,
  };
  const subscriber = closeLater(new Subscriber({ linger: 0, ...secured }));
  subscriber.subscribe();
  subscriber.connect(eventsEndpoint);
  const heard = { snapshots: 0, messages: 0 };
  void (async () => {
    for await (const frames of subscriber) {
      heard.messages++;
      const event = decode(frames);
      if (event.ok && event.message.type === "SNAPSHOT") heard.snapshots++;
    }
  })().catch(() => {}); // ends with EAGAIN when the test closes it
  return heard;
}

describe("a mapper's directory events with CURVE", () => {
  jest.setTimeout(30_000);

  it("reach a keyed watcher, never a subscriber without a key or with a key outside the set", async () => {
    const { mapper, endpoint } = group.add(
      await startMapperProcess({ ...keySet.env, HEARTBEAT_INTERVAL_MS: "200" }),
    );
    const eventsEndpoint = String((await mapper.waitForLog("mapper listening")).eventsEndpoint);
    const plain = listen(eventsEndpoint);
    const outsider = listen(eventsEndpoint, outsiderKeys(keySet.keys("cli")));
    const keyed = listen(eventsEndpoint, keySet.keys("cli"));
    const changes: string[] = [];
    const watcher = closeLater(new MapperClient(endpoint, { curve: keySet.keys("cli") }));
    await watcher.watch((change) => changes.push(`${change.kind} ${change.instance.service}`)).ready;

    const { worker } = group.add(
      await startEchoWorker(endpoint, { ...keySet.env, HEARTBEAT_INTERVAL_MS: "200" }),
    );
    await worker.waitForLog("registered");
    await waitFor("the watcher to see the registration", () => changes.includes("registered echo"));
    await waitFor("five snapshots (a second) at the keyed subscriber", () => keyed.snapshots >= 5);

    expect(plain.messages).toBe(0);
    expect(outsider.messages).toBe(0);
    const { port } = await mapper.waitForLog("metrics listening");
    const refused = await metricValue(`http://127.0.0.1:${port}/metrics`, "zmesh_auth_refusals_total", {
      reason: "unknown_key",
    });
    expect(refused).toBeGreaterThanOrEqual(1);
  });
});
