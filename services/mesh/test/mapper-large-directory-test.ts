import { Subscriber } from "zeromq";
import { DirectoryCache } from "../src/directory/directory-cache.js";
import { MapperClient } from "../src/mod.js";
import { decode } from "../src/protocol/mod.js";
import { fakeRegistration, registerAll, startMapperProcess, useCleanup, waitFor } from "../testing/mod.js";

const { group, closeLater } = useCleanup();
const INSTANCES = 5000;
// Fake members never heartbeat: a long expiry keeps them listed for the whole test.
const MAPPER_ENV = { HEARTBEAT_INTERVAL_MS: "1000", EXPIRY_INTERVALS: "100" };

describe("a mapper with 5,000 instances", () => {
  jest.setTimeout(60_000);

  it("hands a new watcher and a list the complete directory, snapshots in parts included", async () => {
    const { mapper, endpoint } = group.add(await startMapperProcess(MAPPER_ENV));
    const records = Array.from({ length: INSTANCES }, (_, i) => fakeRegistration(i));
    const answers = await registerAll(endpoint, records);
    expect(answers.filter((answer) => answer === "ACK")).toHaveLength(INSTANCES);

    const client = closeLater(new MapperClient(endpoint));
    const listed = await client.list();
    expect(listed).toHaveLength(INSTANCES);
    expect(new Set(listed.map((i) => i.instanceId)).size).toBe(INSTANCES);

    const { directory, ready } = client.watch(() => {});
    await ready;
    await waitFor("the watcher's directory to be complete", () => directory.all().length === INSTANCES);

    // A cache fed by nothing but the PUB socket's snapshots gets every part of one and completes it.
    const subscriber = closeLater(new Subscriber({ linger: 0, receiveTimeout: 5000 }));
    subscriber.subscribe();
    const eventsEndpoint = String(mapper.logs.find((l) => l.message === "mapper listening")?.eventsEndpoint);
    subscriber.connect(eventsEndpoint);
    const fromSnapshots = new DirectoryCache();
    const parts = new Set<number>();
    while (parts.size === 0 || fromSnapshots.all().length < INSTANCES) {
      const decoded = decode(await subscriber.receive());
      if (!decoded.ok || decoded.message.type !== "SNAPSHOT") continue;
      if (decoded.message.header.parts) parts.add(decoded.message.header.parts);
      fromSnapshots.applySnapshot(decoded.message.header);
    }
    expect(fromSnapshots.all()).toHaveLength(INSTANCES);
    expect([...parts][0]).toBeGreaterThan(1);

    // 5,000 registrations, not 5,000 log lines: the first ones, then one line per window.
    const registeredLines = mapper.logs.filter((l) => l.message === "instance registered");
    expect(registeredLines.length).toBeGreaterThanOrEqual(20);
    expect(registeredLines.length).toBeLessThan(100);
    expect(registeredLines.slice(0, 20).map((l) => l.member)).toEqual(
      records.slice(0, 20).map((r) => r.instanceId),
    );
  });
});

describe("a mapper at its MAPPER_MAX_INSTANCES", () => {
  it("refuses a new instance with DIRECTORY_FULL, counts and logs it, and still takes a known one", async () => {
    const { mapper, endpoint } = group.add(
      await startMapperProcess({ ...MAPPER_ENV, MAPPER_MAX_INSTANCES: "3" }),
    );
    const records = Array.from({ length: 5 }, (_, i) => fakeRegistration(i));
    expect(await registerAll(endpoint, records)).toEqual([
      "ACK",
      "ACK",
      "ACK",
      "DIRECTORY_FULL",
      "DIRECTORY_FULL",
    ]);
    expect(await registerAll(endpoint, [records[0] as (typeof records)[0]])).toEqual(["ACK"]);

    const client = closeLater(new MapperClient(endpoint));
    expect(await client.list()).toHaveLength(3);
    const refused = await mapper.waitForLog("registration refused: directory full");
    expect(refused).toMatchObject({ member: records[3]?.instanceId, maxInstances: 3 });
    const { port } = await mapper.waitForLog("metrics listening");
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/zmesh_registry_refusals_total\{reason="directory_full",service="mapper"\} 2/);
  });
});
