import { Router } from "zeromq";
import { DirectoryCache, MAX_DIRECTORY_INSTANCES } from "../src/directory/directory-cache.js";
import { DirectoryWatcher } from "../src/directory/directory-watcher.js";
import { fetchDirectory } from "../src/directory/fetch-directory.js";
import { startMapper } from "../src/mod.js";
import { decode, encodeError, encodeForSend, type InstanceRecord } from "../src/protocol/mod.js";
import { DealerChannel } from "../src/transport/dealer-channel.js";
import { FakeMembers, recordingLogger, sampleLoad, waitFor } from "../testing/mod.js";

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

/** A mapper whose directory never ends: every PEERS page names `perPage` new instances and a next page. */
async function endlessMapper(perPage: number) {
  const router = new Router({ linger: 0 });
  await router.bind("tcp://127.0.0.1:*");
  let pages = 0;
  void (async () => {
    for await (const [identity, ...frames] of router) {
      const decoded = decode(frames);
      if (!decoded.ok || decoded.message.type !== "GET_PEERS") continue;
      const page = pages++;
      const instances: InstanceRecord[] = Array.from({ length: perPage }, (_, i) => ({
        service: "echo",
        instanceId: `echo-${String(page).padStart(6, "0")}-${String(i).padStart(6, "0")}`,
        endpoint: "tcp://127.0.0.1:7000",
        load: sampleLoad(),
        state: "passing",
        registeredAt: 0,
        silentForMs: 0,
      }));
      const next = (instances.at(-1) as InstanceRecord).instanceId;
      const header = { id: decoded.message.header.id, epoch: "endless", eventsPort: 5556, instances, next };
      await router.send([identity as Buffer, ...encodeForSend("PEERS", header)]);
    }
  })();
  return { endpoint: router.lastEndpoint as string, pages: () => pages, close: () => router.close() };
}

describe("directory watcher errors", () => {
  const closables: { close(): void }[] = [];
  afterEach(() => {
    for (const closable of closables.splice(0)) closable.close();
  });

  function watch(mapperEndpoint: string, retryMs = 1000, cache = new DirectoryCache()) {
    const logger = recordingLogger();
    const control = new DealerChannel(mapperEndpoint, { onMalformed: () => {} });
    const watcher = new DirectoryWatcher({
      control,
      mapperEndpoint,
      cache,
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

  it("a directory that never ends is fetched up to its bound, marked incomplete, not held in memory", async () => {
    const perPage = 2000; // about 0.5 MiB a page, within a header's 1 MiB
    const mapper = await endlessMapper(perPage);
    closables.push(mapper);
    const control = new DealerChannel(mapper.endpoint, { onMalformed: () => {} });
    closables.push(control);
    const fetched = await fetchDirectory(control, 5000);
    expect(fetched.complete).toBe(false);
    expect(fetched.instances).toHaveLength(MAX_DIRECTORY_INSTANCES);
    // Paging stopped at the bound: no page was asked for past it.
    expect(mapper.pages()).toBe(MAX_DIRECTORY_INSTANCES / perPage);
  });

  it("a directory past the cache's bound is said in the log, with what is held and refused", async () => {
    const mapper = await startMapper({ bind: "tcp://127.0.0.1:0", eventsBind: "tcp://127.0.0.1:0" });
    try {
      const members = new FakeMembers(mapper.endpoint).keepAlive(500);
      closables.push(members);
      await members.register(
        ["a", "b", "c"].map((id) => ({
          service: "echo",
          instanceId: `echo-${id}`,
          endpoint: "tcp://127.0.0.1:7000",
        })),
      );
      const { watcher, logger } = watch(mapper.endpoint, 1000, new DirectoryCache(Date.now, 2));
      await watcher.ready;
      const full = await waitFor("the directory-full warning", () =>
        logger.lines.find((l) => l.message.startsWith("directory full")),
      );
      expect(full.level).toBe("warn");
      expect(full.fields).toMatchObject({ mapperEndpoint: mapper.endpoint, held: 2, refused: 1 });
    } finally {
      await mapper.close();
    }
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
