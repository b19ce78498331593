import type { Headers, InstanceRecord, Load } from "../protocol/mod.js";

/**
 * The most instances one copy of a directory holds: ten times a mapper's default limit
 * (DEFAULT_MAX_INSTANCES), so a mapper that never stops naming new instances (a bug, or a flood it
 * let in) cannot grow a caller's memory without end. Instances past it are left out, and counted.
 */
export const MAX_DIRECTORY_INSTANCES = 100_000;

export interface DirectoryDiff {
  added: InstanceRecord[];
  removed: InstanceRecord[];
}

/** A SNAPSHOT as the cache reads it: `seq`, `part` and `parts` matter only for one sent in parts. */
export type SnapshotHeader = Pick<Headers["SNAPSHOT"], "epoch" | "partial" | "instances"> &
  Partial<Pick<Headers["SNAPSHOT"], "seq" | "part" | "parts">>;

/** The parts of one snapshot received so far, and every instance they (or later changes) named. */
interface Assembly {
  epoch: string;
  seq: number | undefined;
  parts: number;
  received: Set<number>;
  named: Set<string>;
}

/** Read-only queries on a directory: what callers and operator tools may ask of one. */
export interface DirectoryView {
  /** The epoch of the mapper run the directory came from (undefined before any answer). */
  readonly epoch: string | undefined;
  services(): string[];
  /** How many instances of `service` there are (no array built). */
  count(service: string): number;
  /** The instances of `service`, in a new array the caller may sort; the records are the directory's own. */
  instances(service: string): Readonly<InstanceRecord>[];
  get(service: string, instanceId: string): Readonly<InstanceRecord> | undefined;
  all(): Readonly<InstanceRecord>[];
}

/**
 * A caller's local copy of the mapper's directory, fed by SNAPSHOT and CHANGE events, so no job
 * waits on the mapper. It outlives the mapper: while the mapper is down the copy keeps serving, and
 * a restarted mapper's partial snapshots (members still re-registering) are merged, not applied.
 */
export class DirectoryCache implements DirectoryView {
  readonly #byService = new Map<string, Map<string, InstanceRecord>>();
  /** When, by this process's clock, the mapper last heard from each stored record's instance. */
  readonly #heardAt = new WeakMap<InstanceRecord, number>();
  #epoch: string | undefined;
  #assembly: Assembly | undefined;
  #size = 0;
  #leftOut = 0;

  /**
   * `now`: epoch ms, the clock a record's `silentForMs` is read against as it arrives;
   * `maxInstances`: past it, new instances are left out (records of those held still update).
   */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxInstances = MAX_DIRECTORY_INSTANCES,
  ) {}

  /** Instances held. */
  get size(): number {
    return this.#size;
  }

  /** New instances left out so far because the cache was full. */
  get leftOut(): number {
    return this.#leftOut;
  }

  /**
   * When the mapper last heard from this record's instance, in epoch ms by our clock: arrival time
   * less `silentForMs`. Unlike `silentForMs`, which was true only as it was sent, this compares copies
   * that arrived at different times (-Infinity for a record this cache does not hold).
   */
  heardAt(record: InstanceRecord): number {
    return this.#heardAt.get(record) ?? Number.NEGATIVE_INFINITY;
  }

  get epoch(): string | undefined {
    return this.#epoch;
  }

  instances(service: string): InstanceRecord[] {
    return [...(this.#byService.get(service)?.values() ?? [])];
  }

  count(service: string): number {
    return this.#byService.get(service)?.size ?? 0;
  }

  all(): InstanceRecord[] {
    return [...this.#byService.values()].flatMap((instances) => [...instances.values()]);
  }

  get(service: string, instanceId: string): InstanceRecord | undefined {
    return this.#byService.get(service)?.get(instanceId);
  }

  services(): string[] {
    return [...this.#byService.keys()];
  }

  /**
   * A whole snapshot replaces the cache (a partial one is merged). A snapshot in parts is merged part
   * by part as it arrives; once every part of one seq has arrived, what none of them named is removed.
   * A part of a newer snapshot abandons an unfinished one (PUB/SUB may drop a part: the next repairs it).
   */
  applySnapshot(snapshot: SnapshotHeader): DirectoryDiff {
    if (snapshot.parts !== undefined && snapshot.part !== undefined)
      return this.#applyPart(snapshot, snapshot.part, snapshot.parts);
    this.#epoch = snapshot.epoch;
    this.#assembly = undefined;
    const diff: DirectoryDiff = { added: [], removed: [] };
    // What a whole snapshot leaves out goes first: room for what it names, should the cache be full.
    if (!snapshot.partial) {
      const named = new Set(snapshot.instances.map((instance) => instance.instanceId));
      for (const instance of this.all()) {
        if (!named.has(instance.instanceId) && this.#delete(instance)) diff.removed.push(instance);
      }
    }
    for (const instance of snapshot.instances) if (this.#put(instance)) diff.added.push(instance);
    return diff;
  }

  applyChange(change: Pick<Headers["CHANGE"], "kind" | "instance">): DirectoryDiff {
    const { kind, instance } = change;
    // An instance that arrived while a snapshot is assembled is not the snapshot's to remove.
    this.#assembly?.named.add(instance.instanceId);
    if (kind === "deregistered" || kind === "expired") {
      return { added: [], removed: this.#delete(instance) ? [instance] : [] };
    }
    return { added: this.#put(instance) ? [instance] : [], removed: [] };
  }

  /** A BUSY reply carries the instance's load: fresher than the last heartbeat. */
  updateLoad(service: string, instanceId: string, load: Load): void {
    const instance = this.get(service, instanceId);
    if (instance) instance.load = load;
  }

  #applyPart(snapshot: SnapshotHeader, part: number, parts: number): DirectoryDiff {
    this.#epoch = snapshot.epoch;
    let assembly = this.#assembly;
    if (assembly?.epoch !== snapshot.epoch || assembly.seq !== snapshot.seq || assembly.parts !== parts) {
      assembly = { epoch: snapshot.epoch, seq: snapshot.seq, parts, received: new Set(), named: new Set() };
      this.#assembly = assembly;
    }
    assembly.received.add(part);
    const diff: DirectoryDiff = { added: [], removed: [] };
    for (const instance of snapshot.instances) {
      assembly.named.add(instance.instanceId);
      if (this.#put(instance)) diff.added.push(instance);
    }
    if (assembly.received.size < parts) return diff;
    this.#assembly = undefined;
    for (const instance of this.all()) {
      if (!assembly.named.has(instance.instanceId) && this.#delete(instance)) diff.removed.push(instance);
    }
    return diff;
  }

  /** Stores the record; true if the instance is new. A new one past `maxInstances` is left out. */
  #put(instance: InstanceRecord): boolean {
    let instances = this.#byService.get(instance.service);
    const isNew = instances?.has(instance.instanceId) !== true;
    if (isNew && this.#size >= this.maxInstances) {
      this.#leftOut++;
      return false;
    }
    if (!instances) {
      instances = new Map();
      this.#byService.set(instance.service, instances);
    }
    instances.set(instance.instanceId, instance);
    this.#heardAt.set(instance, this.now() - instance.silentForMs);
    if (isNew) this.#size++;
    return isNew;
  }

  #delete(instance: InstanceRecord): boolean {
    const instances = this.#byService.get(instance.service);
    if (!instances?.delete(instance.instanceId)) return false;
    if (instances.size === 0) this.#byService.delete(instance.service);
    this.#size--;
    return true;
  }
}
