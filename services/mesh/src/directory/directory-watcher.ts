import { Subscriber } from "zeromq";
import { CallFailure, MeshError } from "../errors.js";
import { LogThrottle } from "../observability/log-throttle.js";
import type { Logger } from "../observability/logger.js";
import { type DecodeFailure, type DirectoryChange, decode, type Message } from "../protocol/mod.js";
import type { clientSocketOptions } from "../security/mesh-security.js";
import { endedByOwnClose } from "../transport/closed-socket.js";
import type { DealerChannel } from "../transport/dealer-channel.js";
import { eventsEndpointOf } from "../transport/endpoints.js";
import { receiveEach } from "../transport/receive-each.js";
import type { DirectoryCache, DirectoryDiff } from "./directory-cache.js";
import { fetchDirectory } from "./fetch-directory.js";

/** What a DirectoryWatcher follows, what it keeps current, and whom it tells. */
export interface DirectoryWatcherOptions {
  control: DealerChannel;
  mapperEndpoint: string;
  cache: DirectoryCache;
  logger: Logger;
  onMalformed: (failure: DecodeFailure) => void;
  onDiff?: (diff: DirectoryDiff) => void;
  /** Every CHANGE event as the mapper published it (state changes included). */
  onChange?: (change: DirectoryChange) => void;
  /** How long to wait for the mapper's first answer before asking again. */
  retryMs?: number;
  /** Silence from the events socket after which the directory is fetched again (the mapper may have moved port). */
  staleAfterMs?: number;
  /** CURVE client options for the events socket (the mapper's key as server key): empty for plaintext. */
  secured?: ReturnType<typeof clientSocketOptions>;
}

/**
 * Keeps a DirectoryCache current: the whole directory through GET_PEERS, page by page (which also
 * names the events socket), then a SUB socket on the mapper's CHANGE and SNAPSHOT events. One event
 * that fails to apply, or a callback that throws, is logged and skipped: the watcher keeps following.
 * The events socket failing for any reason but our own close is logged as an error and ends the watch.
 *
 * @example
 * const watcher = new DirectoryWatcher({ control, mapperEndpoint, cache, logger, onMalformed });
 * await watcher.ready; // the whole directory is in `cache`
 * await watcher.subscribed; // and from here on no change is missed
 * watcher.close();
 */
export class DirectoryWatcher {
  readonly #subscriber: Subscriber;
  /** Resolves once the whole directory has been fetched into the cache (it retries until then). */
  readonly ready: Promise<void>;
  /** Resolves on the first event from the mapper's PUB socket: from then on no change is missed. */
  readonly subscribed: Promise<void>;
  #markSubscribed!: () => void;
  readonly #staleTimer: NodeJS.Timeout;
  #closed = false;
  #lastEventAt = 0;
  #eventsEndpoint: string | undefined;
  readonly #failures = new LogThrottle({ linesPerWindow: 1 });
  /** DirectoryCache.leftOut when last looked at: a rise is logged (throttled). */
  #leftOutSeen = 0;

  constructor(private readonly options: DirectoryWatcherOptions) {
    this.#subscriber = new Subscriber({
      linger: 0,
      maxMessageSize: 8 << 20,
      reconnectInterval: 100,
      ...options.secured,
    });
    this.#subscriber.subscribe();
    this.subscribed = new Promise((resolve) => {
      this.#markSubscribed = resolve;
    });
    this.ready = this.#fetchFirst();
    // Neither step rejects: #fetchFirst retries until closed, #listen logs what ends it.
    void this.ready.then(() => this.#listen());
    const staleAfterMs = options.staleAfterMs ?? 3000;
    this.#staleTimer = setInterval(() => {
      if (this.#eventsEndpoint && Date.now() - this.#lastEventAt > staleAfterMs)
        this.#refetch(staleAfterMs).catch((error: unknown) => this.#logFailure("refetch", error));
    }, staleAfterMs);
    this.#staleTimer.unref();
  }

  /** Epoch ms of the last event from the mapper (0 before any): a stale directory shows here. */
  get lastEventAt(): number {
    return this.#lastEventAt;
  }

  /** Stops following: closes the events socket and the staleness timer (the control channel is the caller's). */
  close(): void {
    this.#closed = true;
    clearInterval(this.#staleTimer);
    this.#subscriber.close();
  }

  async #fetchFirst(): Promise<void> {
    const { control, mapperEndpoint, logger, retryMs = 1000 } = this.options;
    while (!this.#closed) {
      try {
        const directory = await fetchDirectory(control, retryMs);
        // A directory cut short at the bound is not the whole one: merged, so nothing is taken as gone.
        this.#apply(this.options.cache.applySnapshot({ ...directory, partial: !directory.complete }));
        if (!directory.complete) this.#warnFull();
        this.#follow(eventsEndpointOf(mapperEndpoint, directory));
        return;
      } catch (error) {
        if (!(error instanceof MeshError)) {
          // Not the mapper being away: its answer, or ours, is wrong. Say so, and do not spin on it.
          this.#logFailure("first fetch", error);
          await new Promise((resolve) => setTimeout(resolve, retryMs).unref());
          continue;
        }
        logger.warn("mapper not answering, asking again", { mapperEndpoint, error: String(error) });
        // A timeout has waited already; a request that failed at once waits before the next.
        if (error.code !== CallFailure.TIMEOUT)
          await new Promise((resolve) => setTimeout(resolve, retryMs).unref());
      }
    }
  }

  /**
   * The events have gone quiet: ask the mapper again. Merged, not applied, since a mapper that just
   * restarted does not yet know every member. Silently does nothing while the mapper is down (a
   * MeshError: no answer, or the channel closed); any other failure rejects, for the caller to log.
   */
  async #refetch(timeoutMs: number): Promise<void> {
    const { control, mapperEndpoint, cache, logger } = this.options;
    const directory = await fetchDirectory(control, timeoutMs).catch((error: unknown) => {
      if (error instanceof MeshError) return undefined;
      throw error;
    });
    if (directory === undefined || this.#closed) return;
    this.#apply(cache.applySnapshot({ ...directory, partial: true }));
    if (!directory.complete) this.#warnFull();
    const eventsEndpoint = eventsEndpointOf(mapperEndpoint, directory);
    if (eventsEndpoint !== this.#eventsEndpoint) {
      logger.info("mapper events moved", { from: this.#eventsEndpoint, to: eventsEndpoint });
      this.#follow(eventsEndpoint);
    }
  }

  #follow(eventsEndpoint: string): void {
    if (this.#eventsEndpoint) this.#subscriber.disconnect(this.#eventsEndpoint);
    this.#eventsEndpoint = eventsEndpoint;
    this.#subscriber.connect(eventsEndpoint);
  }

  async #listen(): Promise<void> {
    try {
      await receiveEach(this.#subscriber, (frames) => {
        const decoded = decode(frames);
        if (!decoded.ok) {
          this.options.onMalformed(decoded);
          return;
        }
        this.#markSubscribed();
        this.#guarded(`applying ${decoded.message.type}`, () => this.#onEvent(decoded.message));
      });
    } catch (error) {
      if (endedByOwnClose(this.#subscriber)) return;
      this.options.logger.error("directory watcher stopped: events socket failed", {
        mapperEndpoint: this.options.mapperEndpoint,
        error: String(error),
      });
      this.close();
    }
  }

  #onEvent(message: Message): void {
    const { cache, onChange } = this.options;
    if (message.type === "SNAPSHOT") this.#apply(cache.applySnapshot(message.header));
    else if (message.type === "CHANGE") {
      this.#apply(cache.applyChange(message.header));
      this.#guarded("onChange", () =>
        onChange?.({ kind: message.header.kind, instance: message.header.instance }),
      );
    }
  }

  #apply(diff: DirectoryDiff): void {
    this.#lastEventAt = Date.now();
    const { onDiff, cache } = this.options;
    if (cache.leftOut > this.#leftOutSeen) {
      this.#leftOutSeen = cache.leftOut;
      this.#warnFull();
    }
    if (diff.added.length > 0 || diff.removed.length > 0) this.#guarded("onDiff", () => onDiff?.(diff));
  }

  /** The mapper names more instances than a cache holds (MAX_DIRECTORY_INSTANCES): said, throttled. */
  #warnFull(): void {
    const { cache, logger, mapperEndpoint } = this.options;
    this.#failures.log("directory full", (heldBack) =>
      logger.warn("directory full: instances past the bound left out", {
        mapperEndpoint,
        held: cache.size,
        refused: cache.leftOut,
        heldBack,
      }),
    );
  }

  /** Runs `step`; a throw is logged (throttled) instead of ending the watch. */
  #guarded(what: string, step: () => void): void {
    try {
      step();
    } catch (error) {
      this.#logFailure(what, error);
    }
  }

  /** One error line per kind of failure per window, with the number held back. */
  #logFailure(what: string, error: unknown): void {
    this.#failures.log(what, (heldBack) =>
      this.options.logger.error("directory watcher step failed", { what, error: String(error), heldBack }),
    );
  }
}
