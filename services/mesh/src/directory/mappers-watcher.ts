import type { DirectoryChange } from "../protocol/mod.js";
import type { DealerChannel } from "../transport/dealer-channel.js";
import { DirectoryCache, type DirectoryDiff } from "./directory-cache.js";
import { DirectoryWatcher, type DirectoryWatcherOptions } from "./directory-watcher.js";
import type { MapperSet } from "./mapper-set.js";
import { MergedDirectory } from "./merged-directory.js";

/** The settings of one mapper's watcher, shared by all of them; the callbacks see the merged directory. */
export interface MappersWatcherOptions
  extends Pick<DirectoryWatcherOptions, "logger" | "onMalformed" | "retryMs" | "staleAfterMs" | "secured"> {
  mappers: MapperSet;
  /** The merged directory gained or lost instances. */
  onDiff?: (diff: DirectoryDiff) => void;
  /** Every change to the merged directory, once (not once per mapper). */
  onChange?: (change: DirectoryChange) => void;
}

/** How long `ready` waits for the other mappers once one has given its directory. */
const OTHERS_GRACE_MS = 1000;
/** How often, meanwhile, it looks whether they are away. */
const AWAY_CHECK_MS = 50;

/**
 * Watches every mapper of a MapperSet (one DirectoryWatcher each, joining and leaving with the set)
 * and serves their directories merged into one (see MergedDirectory): a mapper going away changes
 * nothing a caller sees while another still hears every member.
 *
 * @example
 * const watcher = new MappersWatcher({ mappers, logger, onMalformed, onDiff });
 * await watcher.ready;
 * watcher.directory.instances("image-worker");
 * watcher.close();
 */
export class MappersWatcher {
  readonly directory: MergedDirectory;
  /** Resolves once a mapper's whole directory is in, and every other has given its own or is away (or 1 s passed). */
  readonly ready: Promise<void>;
  /** Resolves on the first event from any mapper: from then on no change is missed. */
  readonly subscribed: Promise<void>;
  readonly #watchers = new Map<
    string,
    { watcher: DirectoryWatcher; channel: DealerChannel; ready: boolean }
  >();
  readonly #unfollow: () => void;
  readonly #viewTimer: NodeJS.Timeout;
  #markReady!: () => void;
  #markSubscribed!: () => void;
  #graceTimer: NodeJS.Timeout | undefined;
  #awayTimer: NodeJS.Timeout | undefined;
  #isReady = false;

  constructor(private readonly options: MappersWatcherOptions) {
    const staleAfterMs = options.staleAfterMs ?? 3000;
    this.directory = new MergedDirectory({
      staleAfterMs,
      ...(options.onDiff ? { onDiff: options.onDiff } : {}),
      ...(options.onChange ? { onChange: options.onChange } : {}),
    });
    this.ready = new Promise((resolve) => {
      this.#markReady = resolve;
    });
    this.subscribed = new Promise((resolve) => {
      this.#markSubscribed = resolve;
    });
    this.#unfollow = options.mappers.follow({
      joined: (endpoint, channel) => this.#watch(endpoint, channel),
      left: (endpoint) => this.#unwatch(endpoint),
    });
    // A mapper falls silent without an event to say so: look a few times per stale period.
    this.#viewTimer = setInterval(() => {
      this.directory.refreshView(Date.now());
      this.#checkReady();
    }, staleAfterMs / 4);
    this.#viewTimer.unref();
  }

  /** Epoch ms of the last event from any mapper (0 before any): a stale directory shows here. */
  get lastEventAt(): number {
    let last = 0;
    for (const { watcher } of this.#watchers.values()) last = Math.max(last, watcher.lastEventAt);
    return last;
  }

  /** Stops every watch (the mapper set, and its channels, are the caller's). */
  close(): void {
    this.#unfollow();
    clearInterval(this.#viewTimer);
    this.#isReady = true;
    clearTimeout(this.#graceTimer);
    clearInterval(this.#awayTimer);
    for (const { watcher } of this.#watchers.values()) watcher.close();
    this.#watchers.clear();
  }

  #watch(endpoint: string, channel: DealerChannel): void {
    const { logger, onMalformed, retryMs, staleAfterMs, secured } = this.options;
    const cache = new DirectoryCache();
    const watcher = new DirectoryWatcher({
      control: channel,
      mapperEndpoint: endpoint,
      cache,
      logger: logger.child({ mapper: endpoint }),
      onMalformed,
      onDiff: (diff) => this.directory.sourceDiff(endpoint, diff),
      onChange: (change) => this.directory.sourceChange(endpoint, change),
      ...(retryMs ? { retryMs } : {}),
      ...(staleAfterMs ? { staleAfterMs } : {}),
      ...(secured ? { secured } : {}),
    });
    const entry = { watcher, channel, ready: false };
    this.#watchers.set(endpoint, entry);
    this.directory.add(endpoint, cache, () => watcher.lastEventAt);
    void watcher.ready.then(() => {
      entry.ready = true;
      this.directory.refreshView(Date.now());
      this.#checkReady();
    });
    void watcher.subscribed.then(() => this.#markSubscribed());
  }

  #unwatch(endpoint: string): void {
    this.#watchers.get(endpoint)?.watcher.close();
    this.#watchers.delete(endpoint);
    this.directory.remove(endpoint);
    this.#checkReady();
  }

  /** Ready once one mapper's directory is in and every other's is too, or its mapper is away. */
  #checkReady(): void {
    const entries = [...this.#watchers.values()];
    if (this.#isReady || !entries.some((entry) => entry.ready)) return;
    this.#graceTimer ??= setTimeout(() => this.#settleReady(), OTHERS_GRACE_MS).unref();
    this.#awayTimer ??= setInterval(() => this.#checkReady(), AWAY_CHECK_MS).unref();
    if (entries.every((entry) => entry.ready || entry.channel.away)) this.#settleReady();
  }

  #settleReady(): void {
    this.#isReady = true;
    clearTimeout(this.#graceTimer);
    clearInterval(this.#awayTimer);
    this.#markReady();
  }
}
