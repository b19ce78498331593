import { CallFailure, MeshError } from "../src/errors.js";
import { Membership, type MembershipOptions } from "../src/member/membership.js";
import { ErrorCode, type Message } from "../src/protocol/mod.js";
import { recordingLogger, sampleLoad } from "../testing/mod.js";

// Membership against a fake mapper channel on jest's fake clock: every request it makes is
// recorded, and each answer is chosen by the test.
const INTERVAL = 100;
const identity = { service: "echo", instanceId: "echo-1", endpoint: "tcp://127.0.0.1:7000" };

type Answer = (type: string, header: Record<string, unknown>) => Message | Error;
const ack: Answer = () => ({ type: "ACK", header: { id: 1, epoch: "e1" } });
const errorAnswer = (code: string): Message => ({ type: "ERROR", header: { id: 1, code, message: code } });

class FakeMapperChannel {
  readonly requests: { type: string; header: Record<string, unknown>; at: number }[] = [];
  constructor(public answer: Answer = ack) {}

  async request(type: string, header: Record<string, unknown>): Promise<Message> {
    this.requests.push({ type, header, at: Date.now() });
    const answer = this.answer(type, header);
    if (answer instanceof Error) throw answer;
    return answer;
  }

  types(): string[] {
    return this.requests.map((r) => r.type);
  }
}

function counter() {
  return {
    value: 0,
    inc() {
      this.value++;
    },
  };
}

function membershipWith(channel: FakeMapperChannel) {
  const logger = recordingLogger();
  const counters = { heartbeatFailures: counter(), reregistrations: counter() };
  let load = sampleLoad();
  const options: MembershipOptions = {
    control: channel as unknown as MembershipOptions["control"],
    identity,
    load: () => load,
    heartbeatIntervalMs: INTERVAL,
    logger,
    counters,
  };
  return {
    membership: new Membership(options),
    logger,
    counters,
    setLoad: (next: typeof load) => {
      load = next;
    },
  };
}

/** Whether `promise` has settled by now (without waiting for it). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await jest.advanceTimersByTimeAsync(0);
  return done;
}

describe("membership", () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it("registers with its identity and load, then heartbeats its current load every interval", async () => {
    const channel = new FakeMapperChannel();
    const { membership, setLoad } = membershipWith(channel);
    await membership.start();
    expect(membership.registered).toBe(true);
    expect(channel.requests[0]).toEqual({
      type: "REGISTER",
      header: { ...identity, load: sampleLoad() },
      at: 0,
    });

    const busier = sampleLoad({ inFlight: 3, utilization: 0.75 });
    setLoad(busier);
    await jest.advanceTimersByTimeAsync(3 * INTERVAL);
    expect(channel.types()).toEqual(["REGISTER", "HEARTBEAT", "HEARTBEAT", "HEARTBEAT"]);
    expect(channel.requests.slice(1).map((r) => r.at)).toEqual([100, 200, 300]);
    expect(channel.requests[1]?.header).toEqual({ instanceId: "echo-1", load: busier });
    await membership.stop();
  });

  it("registers again at once when a heartbeat comes back UNKNOWN_INSTANCE (the mapper restarted)", async () => {
    const channel = new FakeMapperChannel();
    const { membership, counters, logger } = membershipWith(channel);
    await membership.start();
    channel.answer = (type) =>
      type === "HEARTBEAT" ? errorAnswer(ErrorCode.UNKNOWN_INSTANCE) : ack(type, {});
    await jest.advanceTimersByTimeAsync(INTERVAL);
    expect(channel.types()).toEqual(["REGISTER", "HEARTBEAT", "REGISTER"]);
    // In the same tick, not one interval later.
    expect(channel.requests[2]?.at).toBe(100);
    expect(membership.registered).toBe(true);
    expect(counters.reregistrations.value).toBe(1);
    expect(logger.lines.map((l) => l.message)).toContain(
      "mapper does not know this instance (restarted?): registering again",
    );
    await membership.stop();
  });

  it("retries a failed registration on the next tick, and start() resolves only once one is acknowledged", async () => {
    const channel = new FakeMapperChannel(() => new MeshError(CallFailure.TIMEOUT, "no answer"));
    const { membership, logger } = membershipWith(channel);
    const started = membership.start();
    expect(await settled(started)).toBe(false);
    expect(membership.registered).toBe(false);

    channel.answer = () => errorAnswer(ErrorCode.DIRECTORY_FULL);
    await jest.advanceTimersByTimeAsync(INTERVAL);
    expect(await settled(started)).toBe(false);

    channel.answer = ack;
    await jest.advanceTimersByTimeAsync(INTERVAL);
    expect(await settled(started)).toBe(true);
    expect(membership.registered).toBe(true);
    // No heartbeat while unregistered: each tick registered instead.
    expect(channel.types()).toEqual(["REGISTER", "REGISTER", "REGISTER"]);
    expect(channel.requests.map((r) => r.at)).toEqual([0, 100, 200]);
    expect(logger.lines.filter((l) => l.message === "registration failed, will retry")).toHaveLength(2);
    await membership.stop();
  });

  it("counts a heartbeat that is not acknowledged and keeps beating", async () => {
    const channel = new FakeMapperChannel();
    const { membership, counters } = membershipWith(channel);
    await membership.start();
    channel.answer = (type) =>
      type === "HEARTBEAT" ? new MeshError(CallFailure.TIMEOUT, "late") : ack(type, {});
    await jest.advanceTimersByTimeAsync(2 * INTERVAL);
    expect(counters.heartbeatFailures.value).toBe(2);
    expect(membership.registered).toBe(true);
    expect(channel.types()).toEqual(["REGISTER", "HEARTBEAT", "HEARTBEAT"]);
    await membership.stop();
  });

  it("sends DEREGISTER on stop and nothing after", async () => {
    const channel = new FakeMapperChannel();
    const { membership, logger } = membershipWith(channel);
    await membership.start();
    await jest.advanceTimersByTimeAsync(INTERVAL);
    await membership.stop();
    expect(membership.registered).toBe(false);
    expect(channel.requests.at(-1)).toMatchObject({ type: "DEREGISTER", header: { instanceId: "echo-1" } });
    expect(logger.lines.map((l) => l.message)).toContain("deregistered");
    const sent = channel.requests.length;
    await jest.advanceTimersByTimeAsync(5 * INTERVAL);
    expect(channel.requests).toHaveLength(sent);
  });

  it("sends no DEREGISTER when it never registered", async () => {
    const channel = new FakeMapperChannel(() => new MeshError(CallFailure.TIMEOUT, "no answer"));
    const { membership } = membershipWith(channel);
    void membership.start();
    await jest.advanceTimersByTimeAsync(0);
    await membership.stop();
    await jest.advanceTimersByTimeAsync(5 * INTERVAL);
    expect(channel.types()).toEqual(["REGISTER"]);
  });
});
