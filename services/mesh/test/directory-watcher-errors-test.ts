import { Router } from "zeromq";
import { DirectoryCache } from "../src/directory/directory-cache.js";
import { DirectoryWatcher } from "../src/directory/directory-watcher.js";
import { startMapper } from "../src/mod.js";
import { decode, encodeError } from "../src/protocol/mod.js";
import { DealerChannel } from "../src/transport/dealer-channel.js";
import { recordingLogger, waitFor } from "../testing/mod.js";

/** A mapper that answers every GET_PEERS with ERROR INTERNAL, counting them. */
async function brokenMapper() {
  const router = new Router({ linger: 0 });
  await router.bind("tcp://127.0.0.1:*");
  let asked = 0;
  void (async () => {
    for await (const [identity, ...frames] of router) {
      asked++;
      const decoded = decode(frames);
      const id = decoded.ok && "id" in decoded.message.header ? decoded.message.header.id : undefined;
      await router.send([identity as Buffer, ...encodeError("INTERNAL", "broken", id)]);
    }
  })();
  return { endpoint: router.lastEndpoint as string, asked: () => asked, close: () => router.close() };
}

describe("directory watcher errors", () => {
  const closables: { close(): void }[] = [];
  afterEach(() => {
    for (const closable of closables.splice(0)) closable.close();
  });

  function watch(mapperEndpoint: string, retryMs = 1000) {
    const logger = recordingLogger();
    const control = new DealerChannel(mapperEndpoint, { onMalformed: () => {} });
    const watcher = new DirectoryWatcher({
      control,
      mapperEndpoint,
      cache: new DirectoryCache(),
      logger,
      onMalformed: () => {},
      retryMs,
    });
    closables.push(watcher, control);
    return { watcher, logger };
  }

  it("a mapper answering something other than PEERS is logged as an error and asked again at its pace, not in a spin", async () => {
    const mapper = await brokenMapper();
    closables.push(mapper);
    const { logger } = watch(mapper.endpoint, 100);
    await waitFor("the failure to be logged", () =>
      logger.lines.find((l) => l.level === "error" && l.fields.what === "first fetch"),
    );
    const askedBefore = mapper.asked();
    await new Promise((resolve) => setTimeout(resolve, 500));
    // One request per retryMs (100 ms): a handful in 500 ms, where a spin sends thousands.
    expect(mapper.asked() - askedBefore).toBeGreaterThanOrEqual(2);
    expect(mapper.asked() - askedBefore).toBeLessThanOrEqual(7);
    expect(String(logger.lines.find((l) => l.fields.what === "first fetch")?.fields.error)).toContain(
      "mapper answered ERROR",
    );
  });

  it("closing a watcher ends its events loop quietly: no error for our own close", async () => {
    const mapper = await startMapper({ bind: "tcp://127.0.0.1:0", eventsBind: "tcp://127.0.0.1:0" });
    try {
      const { watcher, logger } = watch(mapper.endpoint);
      await watcher.subscribed;
      watcher.close();
      await new Promise((resolve) => setImmediate(resolve));
      expect(logger.lines.filter((l) => l.level === "error")).toEqual([]);
    } finally {
      await mapper.close();
    }
  });
});
