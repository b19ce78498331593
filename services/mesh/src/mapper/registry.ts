import type { DirectoryChange, Headers, InstanceRecord, Load } from "../protocol/mod.js";
import { healthOf } from "./health.js";

export interface RegistryOptions {
  heartbeatIntervalMs: number;
  /** Heartbeat intervals without news before an instance is removed. */
  expiryIntervals: number;
  /** The most instances the directory holds: a REGISTER past it is refused. */
  maxInstances?: number;
  /** The most instances one key (CURVE public key) may hold: a flood from one member stops there. */
  maxInstancesPerKey?: number;
}

/** Why a well-formed REGISTER was not admitted. */
export type RegistryRefusal = "directory_full" | "instance_taken" | "key_limit";

interface Member {
  service: string;
  instanceId: string;
  endpoint: string;
  metricsAddress?: string | undefined;
  /** The key that registered it (CURVE): only that key may heartbeat or deregister it. */
  publicKey?: string | undefined;
  load: Load;
  registeredAt: number;
  lastSeen: number;
  state: InstanceRecord["state"];
}

/**
 * The mapper's directory: pure state, no sockets, time passed in. Every mutation returns the
 * changes it caused so the caller can publish them; the state is soft and rebuilt from
 * re-registrations after a restart.
 */
export class ServiceRegistry {
  readonly #members = new Map<string, Member>();
  /** Instances held by each key: bounded by the number of keys in the mesh's key set. */
  readonly #perKey = new Map<string, number>();

  constructor(private readonly options: RegistryOptions) {}

  /** How many instances the directory holds. */
  get size(): number {
    return this.#members.size;
  }

  /**
   * Adds or replaces an instance. Refused when the directory is full (an instance already in it may
   * always register again), when the id is held by another key, or when the key holds its maximum.
   */
  register(
    request: Headers["REGISTER"],
    now: number,
  ):
    | { admitted: true; changes: DirectoryChange[] }
    | { admitted: false; refusal: RegistryRefusal; changes: [] } {
    const existing = this.#members.get(request.instanceId);
    const refusal = this.#refusal(request, existing);
    if (refusal) return { admitted: false, refusal, changes: [] };
    if (existing) this.#remove(existing);
    const member: Member = {
      service: request.service,
      instanceId: request.instanceId,
      endpoint: request.endpoint,
      metricsAddress: request.metricsAddress,
      publicKey: request.publicKey,
      load: request.load,
      registeredAt: now,
      lastSeen: now,
      state: healthOf(request.load, 0, this.options.heartbeatIntervalMs),
    };
    this.#add(member);
    return { admitted: true, changes: [{ kind: "registered", instance: this.#record(member, now) }] };
  }

  has(instanceId: string): boolean {
    return this.#members.has(instanceId);
  }

  /** The key that registered `instanceId` (undefined if unknown, or registered without a key). */
  keyOf(instanceId: string): string | undefined {
    return this.#members.get(instanceId)?.publicKey;
  }

  #refusal(request: Headers["REGISTER"], existing: Member | undefined): RegistryRefusal | undefined {
    if (existing) return existing.publicKey === request.publicKey ? undefined : "instance_taken";
    if (this.#members.size >= (this.options.maxInstances ?? Number.POSITIVE_INFINITY))
      return "directory_full";
    const held = request.publicKey === undefined ? 0 : (this.#perKey.get(request.publicKey) ?? 0);
    if (held >= (this.options.maxInstancesPerKey ?? Number.POSITIVE_INFINITY)) return "key_limit";
    return undefined;
  }

  #add(member: Member): void {
    this.#members.set(member.instanceId, member);
    if (member.publicKey !== undefined)
      this.#perKey.set(member.publicKey, (this.#perKey.get(member.publicKey) ?? 0) + 1);
  }

  #remove(member: Member): void {
    this.#members.delete(member.instanceId);
    if (member.publicKey === undefined) return;
    const held = (this.#perKey.get(member.publicKey) ?? 1) - 1;
    if (held > 0) this.#perKey.set(member.publicKey, held);
    else this.#perKey.delete(member.publicKey);
  }

  /** Records a heartbeat; `known: false` tells the member to register again. */
  heartbeat(instanceId: string, load: Load, now: number): { known: boolean; changes: DirectoryChange[] } {
    const member = this.#members.get(instanceId);
    if (!member) return { known: false, changes: [] };
    member.load = load;
    member.lastSeen = now;
    return { known: true, changes: this.#refreshState(member, now) };
  }

  /** Removes an instance (DEREGISTER); an unknown one changes nothing. */
  deregister(instanceId: string, now: number): DirectoryChange[] {
    const member = this.#members.get(instanceId);
    if (!member) return [];
    this.#remove(member);
    return [{ kind: "deregistered", instance: this.#record(member, now) }];
  }

  /** Marks overdue instances critical and removes those silent past the expiry. */
  sweep(now: number): DirectoryChange[] {
    const expireAfter = this.options.expiryIntervals * this.options.heartbeatIntervalMs;
    const changes: DirectoryChange[] = [];
    for (const member of this.#members.values()) {
      if (now - member.lastSeen > expireAfter) {
        this.#remove(member);
        changes.push({ kind: "expired", instance: this.#record(member, now) });
      } else {
        changes.push(...this.#refreshState(member, now));
      }
    }
    return changes;
  }

  /** Every instance, or those of `service`, as records seen at `now`. */
  list(now: number, service?: string): InstanceRecord[] {
    const records: InstanceRecord[] = [];
    for (const member of this.#members.values()) {
      if (service === undefined || member.service === service) records.push(this.#record(member, now));
    }
    return records;
  }

  #refreshState(member: Member, now: number): DirectoryChange[] {
    const state = healthOf(member.load, now - member.lastSeen, this.options.heartbeatIntervalMs);
    if (state === member.state) return [];
    member.state = state;
    return [{ kind: "state", instance: this.#record(member, now) }];
  }

  #record(member: Member, now: number): InstanceRecord {
    const record: InstanceRecord = {
      service: member.service,
      instanceId: member.instanceId,
      endpoint: member.endpoint,
      load: member.load,
      state: member.state,
      registeredAt: member.registeredAt,
      silentForMs: Math.max(0, now - member.lastSeen),
    };
    if (member.metricsAddress !== undefined) record.metricsAddress = member.metricsAddress;
    if (member.publicKey !== undefined) record.publicKey = member.publicKey;
    return record;
  }
}
