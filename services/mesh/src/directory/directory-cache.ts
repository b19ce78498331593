import type { Headers, InstanceRecord, Load } from "../protocol/mod.js";

export interface DirectoryDiff {
  added: InstanceRecord[];
  removed: InstanceRecord[];
}

/**
 * A caller's local copy of the mapper's directory, fed by SNAPSHOT and CHANGE events, so no job
 * waits on the mapper. It outlives the mapper: while the mapper is down the copy keeps serving, and
 * a restarted mapper's partial snapshots (members still re-registering) are merged, not applied.
 */
export class DirectoryCache {
  readonly #byService = new Map<string, Map<string, InstanceRecord>>();
  #epoch: string | undefined;

  get epoch(): string | undefined {
    return this.#epoch;
  }

  instances(service: string): InstanceRecord[] {
    return [...(this.#byService.get(service)?.values() ?? [])];
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

  applySnapshot(snapshot: Pick<Headers["SNAPSHOT"], "epoch" | "partial" | "instances">): DirectoryDiff {
    this.#epoch = snapshot.epoch;
    const diff: DirectoryDiff = { added: [], removed: [] };
    const seen = new Set<string>();
    for (const instance of snapshot.instances) {
      seen.add(instance.instanceId);
      if (this.#put(instance)) diff.added.push(instance);
    }
    if (!snapshot.partial) {
      for (const instance of this.all()) {
        if (!seen.has(instance.instanceId) && this.#delete(instance)) diff.removed.push(instance);
      }
    }
    return diff;
  }

  applyChange(change: Pick<Headers["CHANGE"], "kind" | "instance">): DirectoryDiff {
    const { kind, instance } = change;
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

  /** Stores the record; true if the instance is new. */
  #put(instance: InstanceRecord): boolean {
    let instances = this.#byService.get(instance.service);
    if (!instances) {
      instances = new Map();
      this.#byService.set(instance.service, instances);
    }
    const isNew = !instances.has(instance.instanceId);
    instances.set(instance.instanceId, instance);
    return isNew;
  }

  #delete(instance: InstanceRecord): boolean {
    const instances = this.#byService.get(instance.service);
    if (!instances?.delete(instance.instanceId)) return false;
    if (instances.size === 0) this.#byService.delete(instance.service);
    return true;
  }
}
