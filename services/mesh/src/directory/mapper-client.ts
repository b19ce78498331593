import { silentLogger } from "../observability/logger.js";
import type { InstanceRecord } from "../protocol/mod.js";
import { DealerChannel } from "../transport/dealer-channel.js";
import { DirectoryCache } from "./directory-cache.js";
import { type Change, DirectoryWatcher } from "./directory-watcher.js";
import { fetchDirectory } from "./fetch-directory.js";

/** For operator tools: read the directory once, or follow its changes. Jobs go through PeerClient. */
export class MapperClient {
  readonly #control: DealerChannel;
  readonly #watchers: DirectoryWatcher[] = [];

  constructor(readonly mapperEndpoint: string) {
    this.#control = new DealerChannel(mapperEndpoint, { onMalformed: () => {} });
  }

  /**
   * The live instances, optionally of one service, every page of them; rejects if the mapper does
   * not answer a page within `timeoutMs`.
   */
  async list(service?: string, timeoutMs = 2000): Promise<InstanceRecord[]> {
    return (await fetchDirectory(this.#control, timeoutMs, service)).instances;
  }

  /**
   * Calls `onChange` for every registration, deregistration, expiry and state change. `ready`
   * resolves once events flow (the first snapshot arrived), so no later change is missed.
   */
  watch(onChange: (change: Change) => void): { directory: DirectoryCache; ready: Promise<void> } {
    const directory = new DirectoryCache();
    const watcher = new DirectoryWatcher({
      control: this.#control,
      mapperEndpoint: this.mapperEndpoint,
      cache: directory,
      logger: silentLogger(),
      onMalformed: () => {},
      onChange,
    });
    this.#watchers.push(watcher);
    return { directory, ready: watcher.subscribed };
  }

  close(): void {
    for (const watcher of this.#watchers) watcher.close();
    this.#control.close();
  }
}

export type { Change };
