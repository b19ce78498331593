import type { DirectoryChange, InstanceRecord, Load } from "../protocol/mod.js";
import type { DirectoryCache, DirectoryDiff, DirectoryView } from "./directory-cache.js";

/** One mapper's copy of the directory, and when its mapper was last heard from. */
interface Source {
  cache: DirectoryCache;
  lastEventAt: () => number;
}

export interface MergedDirectoryOptions {
  /** Silence after which a mapper's copy leaves the view, if another mapper is still heard. */
  staleAfterMs: number;
  /** The merged view gained or lost instances. */
  onDiff?: (diff: DirectoryDiff) => void;
  /** A change to the merged view, as one CHANGE event says it (repeats from other mappers left out). */
  onChange?: (change: DirectoryChange) => void;
  now?: () => number;
}

/**
 * The directories of several mapper replicas seen as one, with no consensus among them: an
 * instance is in the view while any mapper in view lists it, with its freshest record (the one
 * whose mapper heard from it last, by our clock: see DirectoryCache.heardAt). A mapper is in view while it is heard; one
 * silent for `staleAfterMs` leaves the view, but only while another is heard, so a caller with every
 * mapper down keeps serving from the last copies it had. So an instance one mapper expires while
 * another still hears it stays, and one known to a single mapper is used.
 *
 * @example
 * const merged = new MergedDirectory({ staleAfterMs: 3000, onDiff });
 * merged.add("tcp://10.0.0.1:5555", cache, () => watcher.lastEventAt);
 * merged.instances("image-worker");
 */
export class MergedDirectory implements DirectoryView {
  readonly #sources = new Map<string, Source>();
  /** Sources whose records count: keyed like #sources, kept in the same order. */
  readonly #inView = new Set<string>();

  constructor(private readonly options: MergedDirectoryOptions) {}

  /** The epochs of the mappers in view, in endpoint order, comma-separated (undefined before any). */
  get epoch(): string | undefined {
    const epochs = this.#viewed()
      .map((source) => source.cache.epoch)
      .filter((epoch) => epoch !== undefined);
    return epochs.length > 0 ? epochs.join(",") : undefined;
  }

  services(): string[] {
    return [...new Set(this.#viewed().flatMap((source) => source.cache.services()))];
  }

  count(service: string): number {
    const viewed = this.#viewed();
    if (viewed.length === 1) return viewed[0]?.cache.count(service) ?? 0;
    const ids = new Set<string>();
    for (const source of viewed)
      for (const record of source.cache.instances(service)) ids.add(record.instanceId);
    return ids.size;
  }

  instances(service: string): InstanceRecord[] {
    const viewed = this.#viewed();
    if (viewed.length === 1) return viewed[0]?.cache.instances(service) ?? [];
    const freshest = new Map<string, { record: InstanceRecord; heardAt: number }>();
    for (const { cache } of viewed)
      for (const record of cache.instances(service)) {
        const heardAt = cache.heardAt(record);
        const known = freshest.get(record.instanceId);
        if (!known || heardAt > known.heardAt) freshest.set(record.instanceId, { record, heardAt });
      }
    return [...freshest.values()].map(({ record }) => record);
  }

  /** On every pick of every call: walks the sources in view without copying them. */
  get(service: string, instanceId: string): InstanceRecord | undefined {
    let freshest: InstanceRecord | undefined;
    let freshestHeardAt = Number.NEGATIVE_INFINITY;
    for (const key of this.#inView) {
      const cache = this.#sources.get(key)?.cache;
      const record = cache?.get(service, instanceId);
      if (!cache || !record) continue;
      const heardAt = cache.heardAt(record);
      if (freshest && heardAt <= freshestHeardAt) continue;
      freshest = record;
      freshestHeardAt = heardAt;
    }
    return freshest;
  }

  all(): InstanceRecord[] {
    return this.services().flatMap((service) => this.instances(service));
  }

  /** A BUSY reply's load is fresher than any mapper's: every copy takes it. */
  updateLoad(service: string, instanceId: string, load: Load): void {
    for (const source of this.#sources.values()) source.cache.updateLoad(service, instanceId, load);
  }

  /** A mapper joins: its copy enters the view once it is heard from. */
  add(endpoint: string, cache: DirectoryCache, lastEventAt: () => number): void {
    this.#sources.set(endpoint, { cache, lastEventAt });
  }

  /** A mapper left the set: what only its copy listed leaves the view. */
  remove(endpoint: string): void {
    const source = this.#sources.get(endpoint);
    if (!source) return;
    this.#sources.delete(endpoint);
    if (this.#inView.delete(endpoint)) this.#reportExclusive(endpoint, source, "expired");
  }

  /** One mapper's copy changed: what changed in the view is reported. */
  sourceDiff(endpoint: string, diff: DirectoryDiff): void {
    // A source entering the view now reports its whole copy: this diff is part of it.
    if (this.refreshView((this.options.now ?? Date.now)()).has(endpoint) || !this.#inView.has(endpoint))
      return;
    const added = diff.added.filter((record) => !this.#listedElsewhere(endpoint, record));
    const removed = diff.removed.filter((record) => !this.#listedElsewhere(endpoint, record));
    if (added.length > 0 || removed.length > 0) this.options.onDiff?.({ added, removed });
  }

  /** One mapper's CHANGE event (already applied to its copy): passed on unless another mapper said it first. */
  sourceChange(endpoint: string, change: DirectoryChange): void {
    const { onChange } = this.options;
    if (!onChange || !this.#inView.has(endpoint)) return;
    const { kind, instance } = change;
    const others = this.#others(endpoint).map((source) =>
      source.cache.get(instance.service, instance.instanceId),
    );
    const repeated =
      kind === "state"
        ? others.some((record) => record?.state === instance.state)
        : others.some((record) => record !== undefined);
    if (!repeated) onChange(change);
  }

  /**
   * Brings the view in line with who is heard: a heard mapper enters it, one silent past
   * `staleAfterMs` leaves it while another is heard. Returns the sources that entered.
   */
  refreshView(now: number): Set<string> {
    const heard = (source: Source) => {
      const at = source.lastEventAt();
      return at > 0 && now - at <= this.options.staleAfterMs;
    };
    const entered = new Set<string>();
    const anyHeard = [...this.#sources.values()].some(heard);
    for (const [endpoint, source] of this.#sources) {
      const inView = this.#inView.has(endpoint);
      if (!inView && heard(source)) {
        // The first copy is the directory a watcher starts from, not a change to report.
        const first = this.#inView.size === 0;
        this.#inView.add(endpoint);
        entered.add(endpoint);
        this.#reportExclusive(endpoint, source, "registered", !first);
      } else if (inView && anyHeard && !heard(source)) {
        this.#inView.delete(endpoint);
        this.#reportExclusive(endpoint, source, "expired");
      }
    }
    return entered;
  }

  /** Reports the records of `source` no other source in view lists, as gained or lost by the view. */
  #reportExclusive(endpoint: string, source: Source, kind: "registered" | "expired", asChanges = true): void {
    const exclusive = source.cache.all().filter((record) => !this.#listedElsewhere(endpoint, record));
    if (exclusive.length === 0) return;
    this.options.onDiff?.(
      kind === "registered" ? { added: exclusive, removed: [] } : { added: [], removed: exclusive },
    );
    if (asChanges) for (const instance of exclusive) this.options.onChange?.({ kind, instance });
  }

  #listedElsewhere(endpoint: string, record: InstanceRecord): boolean {
    return this.#others(endpoint).some((source) => source.cache.get(record.service, record.instanceId));
  }

  /** The sources in view other than `endpoint`'s. */
  #others(endpoint: string): Source[] {
    return [...this.#inView].filter((key) => key !== endpoint).map((key) => this.#sources.get(key) as Source);
  }

  #viewed(): Source[] {
    return [...this.#inView].map((key) => this.#sources.get(key) as Source);
  }
}
