import { MapperClient } from "../src/mod.js";
import {
  KeyedMember,
  type KeyedRecord,
  metricValue,
  outsiderKeys,
  startEchoWorker,
  startMapperProcess,
  type TemporaryKeySet,
  temporaryKeySet,
  useCleanup,
  waitFor,
} from "../testing/mod.js";

// What each key may do at a mapper with CURVE on (docs/protocol.md, "Security"). The members here
// speak the protocol as a rogue would: real messages, signed with a key of their own.

const { group, closeLater } = useCleanup();
let keySet: TemporaryKeySet;
beforeAll(() => {
  keySet = temporaryKeySet(["echo", "gateway", "cli"]);
});
afterAll(() => keySet.remove());

async function keyedMapper(env: Record<string, string> = {}) {
  const started = group.add(
    await startMapperProcess({ ...keySet.env, HEARTBEAT_INTERVAL_MS: "200", ...env }),
  );
  const { port } = await started.mapper.waitForLog("metrics listening");
  const refusals = async (reason: string) =>
    (await metricValue(`http://127.0.0.1:${port}/metrics`, "zmesh_auth_refusals_total", { reason })) ?? 0;
  const directory = closeLater(new MapperClient(started.endpoint, { curve: keySet.keys("cli") }));
  return { ...started, refusals, directory };
}

const member = (endpoint: string, name: string) => closeLater(new KeyedMember(endpoint, keySet.keys(name)));
const record = (service: string, n: number): KeyedRecord => ({
  service,
  instanceId: `${service}-test-${n}`,
  endpoint: `tcp://127.0.0.1:${40_000 + n}`,
});
const ids = (records: { instanceId: string }[]) => records.map((r) => r.instanceId).sort();

describe("a mapper with CURVE", () => {
  jest.setTimeout(30_000);

  it("never hears a key outside the key set: its REGISTER gets no answer and is counted as unknown_key", async () => {
    const { endpoint, refusals, directory } = await keyedMapper();
    const outsider = closeLater(new KeyedMember(endpoint, outsiderKeys(keySet.keys("echo")), 1000));

    // No answer: the request times out, or (once the refused handshake has dropped the connection
    // before the send) cannot even be handed to a connection. Never an ACK nor an ERROR.
    expect(["TIMEOUT", "SEND_FAILED"]).toContain(await outsider.register(record("echo", 1)));
    await waitFor("the refusal counted", async () => (await refusals("unknown_key")) >= 1);
    // The same record, signed with a key of the set, is welcome: the key was the only fault.
    expect(await member(endpoint, "echo").register(record("echo", 2))).toBe("ACK");
    expect(ids(await directory.list())).toEqual(["echo-test-2"]);
  });

  it("lets a key register only the service it is named after (wrong_service)", async () => {
    const { endpoint, refusals, directory } = await keyedMapper();
    const echo = member(endpoint, "echo");

    expect(await echo.register(record("gateway", 1))).toBe("FORBIDDEN");
    expect(await refusals("wrong_service")).toBe(1);
    expect(await echo.register(record("echo", 2))).toBe("ACK");
    expect(ids(await directory.list())).toEqual(["echo-test-2"]);
  });

  it("lets only the key that registered an instance heartbeat or deregister it (not_owner)", async () => {
    const { mapper, endpoint, refusals, directory } = await keyedMapper();
    const { worker, instanceId } = group.add(
      await startEchoWorker(endpoint, { ...keySet.env, HEARTBEAT_INTERVAL_MS: "200" }),
    );
    await worker.waitForLog("registered");
    const rogue = member(endpoint, "gateway");

    expect(await rogue.heartbeat(instanceId)).toBe("FORBIDDEN");
    expect(await rogue.deregister(instanceId)).toBe("FORBIDDEN");
    expect(await refusals("not_owner")).toBe(2);
    // Its own instance it may heartbeat and deregister: the refusals were about whose instance it was.
    expect(await rogue.register(record("gateway", 1))).toBe("ACK");
    expect(await rogue.heartbeat("gateway-test-1")).toBe("ACK");
    expect(await rogue.deregister("gateway-test-1")).toBe("ACK");
    expect(ids(await directory.list())).toEqual([instanceId]);
    // Never removed, not even for a moment; each refusal logged with its reason.
    const aboutIt = mapper.logs.filter((line) => line.member === instanceId);
    expect(aboutIt.map(({ message, reason }) => [message, reason])).toEqual([
      ["instance registered", undefined],
      ["refused: not allowed", "not_owner"],
      ["refused: not allowed", "not_owner"],
    ]);
  });

  it("refuses an instance id held by another key (instance_taken) and keeps the original record", async () => {
    const { endpoint, refusals, directory } = await keyedMapper();
    const {
      worker,
      instanceId,
      endpoint: workerEndpoint,
    } = group.add(await startEchoWorker(endpoint, { ...keySet.env, HEARTBEAT_INTERVAL_MS: "200" }));
    await worker.waitForLog("registered");
    const rogue = member(endpoint, "gateway");

    const takeover = { service: "gateway", instanceId, endpoint: "tcp://127.0.0.1:40999" };
    expect(await rogue.register(takeover)).toBe("FORBIDDEN");
    expect(await refusals("instance_taken")).toBe(1);
    const [kept, ...others] = await directory.list();
    expect(others).toEqual([]);
    expect(kept).toMatchObject({
      service: "echo",
      instanceId,
      endpoint: workerEndpoint,
      publicKey: keySet.keys("echo").own.publicKey,
    });
  });

  it("holds one key to MAPPER_MAX_INSTANCES_PER_KEY instances (key_limit), other keys unaffected", async () => {
    const { endpoint, refusals, directory } = await keyedMapper({ MAPPER_MAX_INSTANCES_PER_KEY: "3" });
    const echo = member(endpoint, "echo");

    const answers = [];
    for (let n = 1; n <= 5; n++) answers.push(await echo.register(record("echo", n)));
    expect(answers).toEqual(["ACK", "ACK", "ACK", "FORBIDDEN", "FORBIDDEN"]);
    expect(await refusals("key_limit")).toBe(2);
    expect(await member(endpoint, "gateway").register(record("gateway", 1))).toBe("ACK");
    // The limit counts what a key holds now: one gone, one more may come.
    expect(await echo.deregister("echo-test-1")).toBe("ACK");
    expect(await echo.register(record("echo", 6))).toBe("ACK");
    expect(ids(await directory.list())).toEqual([
      "echo-test-2",
      "echo-test-3",
      "echo-test-6",
      "gateway-test-1",
    ]);
  });
});
