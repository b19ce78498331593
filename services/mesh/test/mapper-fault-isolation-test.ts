import { Registry } from "prom-client";
import { DirectoryCache } from "../src/directory/directory-cache.js";
import { DirectoryWatcher } from "../src/directory/directory-watcher.js";
import { type Logger, type MapperServer, startMapper } from "../src/mod.js";
import { DealerChannel } from "../src/transport/dealer-channel.js";
import { fakeRegistration, registerAll, waitFor } from "../testing/mod.js";

/** A logger that records lines and throws when asked to log anything about the poison instance. */
function poisonedLogger(poison: string) {
  const lines: { level: string; message: string; meta: Record<string, unknown> }[] = [];
  const write =
    (level: string) =>
    (message: string, meta: Record<string, unknown> = {}) => {
      if (meta.member === poison) throw new Error(`logger failed on ${poison}`);
      lines.push({ level, message, meta });
    };
  const logger = { info: write("info"), warn: write("warn"), error: write("error"), debug: write("debug") };
  return { logger: logger as unknown as Logger, lines };
}

describe("one failing message never stops the mapper or a watcher", () => {
  let mapper: MapperServer;
  const closables: { close(): void }[] = [];
  afterEach(async () => {
    for (const closable of closables.splice(0)) closable.close();
    await mapper.close();
  });

  it("the mapper answers ERROR INTERNAL for the message that failed, counts it and serves the next", async () => {
    const poison = fakeRegistration(1);
    const { logger, lines } = poisonedLogger(poison.instanceId);
    const metrics = new Registry();
    mapper = await startMapper({
      bind: "tcp://127.0.0.1:0",
      eventsBind: "tcp://127.0.0.1:0",
      logger,
      metrics,
    });
    const answers = await registerAll(mapper.endpoint, [fakeRegistration(0), poison, fakeRegistration(2)]);
    expect(answers).toEqual(["ACK", "INTERNAL", "ACK"]);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: "error", message: "failed to answer a message" }),
    );
    expect(await metrics.getSingleMetricAsString("zmesh_mapper_answer_failures_total")).toContain(
      'zmesh_mapper_answer_failures_total{type="REGISTER"} 1',
    );
  });

  it("a watcher whose callbacks throw keeps applying the events that follow", async () => {
    mapper = await startMapper({ bind: "tcp://127.0.0.1:0", eventsBind: "tcp://127.0.0.1:0" });
    const { logger, lines } = poisonedLogger("nobody");
    const cache = new DirectoryCache();
    const control = new DealerChannel(mapper.endpoint, { onMalformed: () => {} });
    let changes = 0;
    const watcher = new DirectoryWatcher({
      control,
      mapperEndpoint: mapper.endpoint,
      cache,
      logger,
      onMalformed: (failure) => {
        throw new Error(`unexpected malformed event: ${failure.reason}`);
      },
      onDiff: () => {
        throw new Error("onDiff failed");
      },
      onChange: () => {
        changes++;
        throw new Error("onChange failed");
      },
    });
    closables.push(watcher, control);
    await watcher.subscribed;

    await registerAll(mapper.endpoint, [fakeRegistration(0)]);
    await waitFor("the first change", () => cache.all().length === 1);
    await registerAll(mapper.endpoint, [fakeRegistration(1), fakeRegistration(2)]);
    await waitFor("the changes after the failing ones", () => cache.all().length === 3);
    expect(changes).toBeGreaterThanOrEqual(3);
    expect(
      lines.filter((l) => l.message === "directory watcher step failed").map((l) => l.meta.what),
    ).toEqual(expect.arrayContaining(["onDiff", "onChange"]));
  });
});
