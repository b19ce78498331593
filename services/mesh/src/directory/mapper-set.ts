import { LogThrottle } from "../observability/log-throttle.js";
import { type Logger, silentLogger } from "../observability/logger.js";
import type { clientSocketOptions } from "../security/mesh-security.js";
import { DealerChannel, type DealerChannelOptions } from "../transport/dealer-channel.js";
import { dnsNameOf, type LookupAll, lookupAll, resolveEndpoint } from "./mapper-addresses.js";

/** The most mappers one member or caller follows, however many addresses a name resolves to. */
export const MAX_MAPPERS = 16;

/** Told when a mapper joins the set (a channel to it is open) and when it leaves (before its channel closes). */
export interface MapperSetListener {
  joined(endpoint: string, channel: DealerChannel): void;
  left(endpoint: string, channel: DealerChannel): void;
}

export interface MapperSetOptions {
  /** The mappers: endpoints as configured; a tcp endpoint naming a DNS name stands for all its addresses. */
  endpoints: readonly string[];
  onMalformed: DealerChannelOptions["onMalformed"];
  /** CURVE client options for the mappers (every replica holds the key set's one `mapper` key). */
  secured?: ReturnType<typeof clientSocketOptions>;
  logger?: Logger;
  /** How often DNS names are resolved again (default 3000 ms; sooner while a name has no address yet). */
  resolveEveryMs?: number;
  lookup?: LookupAll;
}

/** How soon a name that has never resolved is asked again. */
const UNRESOLVED_RETRY_MS = 500;

/**
 * One control channel to every mapper replica. Endpoints with an address are fixed; a DNS name
 * (`tcp://tasks.mapper:5555`, one address per replica in a Swarm) is resolved again every few
 * intervals: an address that appears joins the set, one that is gone leaves it. A name that fails
 * to resolve keeps the addresses it had (state is soft: no answer is no news). Members and
 * callers follow the set, so they register with, and watch, every mapper.
 *
 * @example
 * const mappers = new MapperSet({ endpoints: ["tcp://10.0.0.1:5555", "tcp://10.0.0.2:5555"], onMalformed });
 * const stop = mappers.follow({ joined: (endpoint, channel) => ..., left: (endpoint) => ... });
 * mappers.close();
 */
export class MapperSet {
  readonly #channels = new Map<string, DealerChannel>();
  readonly #listeners = new Set<MapperSetListener>();
  /** The addresses each named endpoint resolved to last. */
  readonly #resolved = new Map<string, string[]>();
  readonly #names: string[];
  readonly #failures = new LogThrottle({ linesPerWindow: 1, windowMs: 60_000 });
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(private readonly options: MapperSetOptions) {
    this.#logger = options.logger ?? silentLogger();
    if (options.endpoints.length === 0) throw new Error("no mapper endpoint given");
    this.#names = options.endpoints.filter((endpoint) => dnsNameOf(endpoint) !== undefined);
    this.#update(options.endpoints.filter((endpoint) => dnsNameOf(endpoint) === undefined));
    if (this.#names.length > 0) void this.#resolveLoop();
  }

  /** The mappers in the set now, by endpoint (names resolved to addresses). */
  get channels(): ReadonlyMap<string, DealerChannel> {
    return this.#channels;
  }

  /** Calls `listener.joined` for every mapper in the set now, then on every change; returns the unfollow. */
  follow(listener: MapperSetListener): () => void {
    this.#listeners.add(listener);
    for (const [endpoint, channel] of this.#channels) listener.joined(endpoint, channel);
    return () => this.#listeners.delete(listener);
  }

  /** Closes every channel and stops resolving; listeners hear nothing more. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#listeners.clear();
    for (const channel of this.#channels.values()) channel.close();
    this.#channels.clear();
  }

  async #resolveLoop(): Promise<void> {
    const { resolveEveryMs = 3000, lookup = lookupAll } = this.options;
    await Promise.all(
      this.#names.map(async (name) => {
        try {
          this.#resolved.set(name, await resolveEndpoint(name, lookup));
        } catch (error) {
          this.#failures.log(name, (heldBack) =>
            this.#logger.warn("mapper name not resolved: keeping its last addresses", {
              mapperEndpoint: name,
              addresses: this.#resolved.get(name) ?? [],
              error: String(error),
              heldBack,
            }),
          );
        }
      }),
    );
    if (this.#closed) return;
    const fixed = this.options.endpoints.filter((endpoint) => dnsNameOf(endpoint) === undefined);
    const wanted = [...new Set([...fixed, ...[...this.#resolved.values()].flat()])];
    if (wanted.length > MAX_MAPPERS)
      this.#failures.log("too many mappers", (heldBack) =>
        this.#logger.warn("more mapper addresses than a member follows: keeping the first", {
          addresses: wanted.length,
          kept: MAX_MAPPERS,
          heldBack,
        }),
      );
    // Each mapper costs a channel, a watcher with a directory copy and a membership: a bounded few.
    this.#update(wanted.slice(0, MAX_MAPPERS));
    const unresolved = this.#names.some((name) => !this.#resolved.has(name));
    this.#timer = setTimeout(
      () => void this.#resolveLoop(),
      unresolved ? Math.min(resolveEveryMs, UNRESOLVED_RETRY_MS) : resolveEveryMs,
    );
    this.#timer.unref();
  }

  /** Opens channels to the endpoints new in `wanted` and closes those no longer in it. */
  #update(wanted: readonly string[]): void {
    const next = new Set(wanted);
    for (const [endpoint, channel] of this.#channels) {
      if (next.has(endpoint)) continue;
      this.#channels.delete(endpoint);
      this.#logger.info("mapper left the set", { mapperEndpoint: endpoint });
      for (const listener of this.#listeners) listener.left(endpoint, channel);
      channel.close();
    }
    for (const endpoint of next) {
      if (this.#channels.has(endpoint)) continue;
      const channel = new DealerChannel(endpoint, {
        onMalformed: this.options.onMalformed,
        secured: this.options.secured ?? {},
      });
      this.#channels.set(endpoint, channel);
      if (this.#names.length > 0) this.#logger.info("mapper joined the set", { mapperEndpoint: endpoint });
      for (const listener of this.#listeners) listener.joined(endpoint, channel);
    }
  }
}
