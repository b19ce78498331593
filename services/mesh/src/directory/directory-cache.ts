import type { Headers, InstanceRecord, Load } from "../protocol/mod.js";

/**
 * The most instances one copy of a directory holds: ten times a mapper's default limit
 * (DEFAULT_MAX_INSTANCES; a mapper may be set higher, and is then read up to this), so a mapper that
 * never stops naming new instances (a bug, or a flood it let in) cannot grow a caller's memory
 * without end. Instances past it are left out, and counted.
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
  /** Instances the parts (or changes since) named that the cache holds. */
  named: Set<string>;
  /** Records a full cache could not take yet: tried again once the removals made room (at most maxInstances). */
  waiting: InstanceRecord[];
}

/** What storing a record did. */
type PutOutcome = "new" | "known" | "refused";

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

  /** Records refused so far because the cache was full (an instance named again is counted again). */
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
      this.#removeAllBut(named, diff);
    }
    const now = this.now();
    for (const instance of snapshot.instances) this.#keep(instance, now, diff);
    return diff;
  }

  applyChange(change: Pick<Headers["CHANGE"], "kind" | "instance">): DirectoryDiff {
    const { kind, instance } = change;
    if (kind === "deregistered" || kind === "expired") {
      return { added: [], removed: this.#delete(instance) ? [instance] : [] };
    }
    const diff: DirectoryDiff = { added: [], removed: [] };
    // An instance that arrived while a snapshot is assembled is not the snapshot's to remove.
    if (this.#keep(instance, this.now(), diff)) this.#assembly?.named.add(instance.instanceId);
    return diff;
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
      assembly = {
        epoch: snapshot.epoch,
        seq: snapshot.seq,
        parts,
        received: new Set(),
        named: new Set(),
        waiting: [],
      };
      this.#assembly = assembly;
    }
    assembly.received.add(part);
    const diff: DirectoryDiff = { added: [], removed: [] };
    const now = this.now();
    for (const instance of snapshot.instances) {
      const outcome = this.#put(instance, now);
      if (outcome === "refused") {
        // Full, perhaps of what this snapshot will remove: try again once it has.
        if (assembly.waiting.length < this.maxInstances) assembly.waiting.push(instance);
        else this.#leftOut++;
        continue;
      }
      assembly.named.add(instance.instanceId);
      if (outcome === "new") diff.added.push(instance);
    }
    if (assembly.received.size < parts) return diff;
    this.#assembly = undefined;
    this.#removeAllBut(assembly.named, diff);
    for (const instance of assembly.waiting) this.#keep(instance, now, diff);
    return diff;
  }

  #removeAllBut(named: ReadonlySet<string>, diff: DirectoryDiff): void {
    for (const instance of this.all()) {
      if (!named.has(instance.instanceId) && this.#delete(instance)) diff.removed.push(instance);
    }
  }

  /** Stores the record, noting a new instance in `diff` and a refused one in `leftOut`; true if held. */
  #keep(instance: InstanceRecord, now: number, diff: DirectoryDiff): boolean {
    const outcome = this.#put(instance, now);
    if (outcome === "new") diff.added.push(instance);
    if (outcome === "refused") this.#leftOut++;
    return outcome !== "refused";
  }

  /** Stores the record, heard `silentForMs` before `now`; a new instance past `maxInstances` is refused. */
  #put(instance: InstanceRecord, now: number): PutOutcome {
    let instances = this.#byService.get(instance.service);
    const known = instances?.has(instance.instanceId) === true;
    if (!known && this.#size >= this.maxInstances) return "refused";
    if (!instances) {
      instances = new Map();
      this.#byService.set(instance.service, instances);
    }
    instances.set(instance.instanceId, instance);
    this.#heardAt.set(instance, now - instance.silentForMs);
    if (known) return "known";
    this.#size++;
    return "new";
  }

  #delete(instance: InstanceRecord): boolean {
    const instances = this.#byService.get(instance.service);
    if (!instances?.delete(instance.instanceId)) return false;
    if (instances.size === 0) this.#byService.delete(instance.service);
    this.#size--;
    return true;
  }
}
