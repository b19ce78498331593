import { MapperClient } from "@zmesh/mesh";
import { waitFor } from "@zmesh/mesh/testing";

/** The directory as a new operator tool or watcher gets it. */
export interface DirectoryFigures {
  instances: number;
  /** JSON bytes of every record of one full listing (MapperClient.list, all pages). */
  listBytes: number;
  listMs: number;
  /** From MapperClient.watch to every instance in the watcher's directory. */
  watcherCompleteMs: number;
  /** From MapperClient.watch to the first event from the mapper (no change missed from then on). */
  watcherEventsMs: number;
}

/** Lists the directory once, then times a new watcher (its own connection) until it holds every instance. */
export async function directoryFigures(mapperEndpoint: string): Promise<DirectoryFigures> {
  const lister = new MapperClient(mapperEndpoint);
  const watching = new MapperClient(mapperEndpoint);
  try {
    const listStarted = performance.now();
    const listed = await lister.list(undefined, 5000);
    const listMs = performance.now() - listStarted;
    const watchStarted = performance.now();
    const { directory, ready } = watching.watch(() => {});
    let watcherEventsMs = Number.NaN;
    void ready.then(() => {
      watcherEventsMs = performance.now() - watchStarted;
    });
    const held = () => directory.services().reduce((n, s) => n + directory.instances(s).length, 0);
    await waitFor(
      `a new watcher to hold ${listed.length} instances`,
      () => held() >= listed.length,
      30_000,
      2,
    );
    const watcherCompleteMs = performance.now() - watchStarted;
    await waitFor("the first event at the new watcher", () => !Number.isNaN(watcherEventsMs), 10_000, 2);
    return {
      instances: listed.length,
      listBytes: Buffer.byteLength(JSON.stringify(listed)),
      listMs,
      watcherCompleteMs,
      watcherEventsMs,
    };
  } finally {
    lister.close();
    watching.close();
  }
}
