import type { DirectoryChange, Headers, InstanceRecord, Load } from "../protocol/mod.js";
import { healthOf } from "./health.js";

export interface RegistryOptions {
  heartbeatIntervalMs: number;
  /** Heartbeat intervals without news before an instance is removed. */
  expiryIntervals: number;
  /** The most instances the directory holds: a REGISTER past it is refused. */
  maxInstances?: number;
}

interface Member {
  service: string;
  instanceId: string;
  endpoint: string;
  metricsAddress?: string | undefined;
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

  constructor(private readonly options: RegistryOptions) {}

  /** How many instances the directory holds. */
  get size(): number {
    return this.#members.size;
  }

  /**
   * Adds or replaces an instance; `admitted: false` when the directory is full (an instance already
   * in it may always register again).
   */
  register(request: Headers["REGISTER"], now: number): { admitted: boolean; changes: DirectoryChange[] } {
    const full = this.#members.size >= (this.options.maxInstances ?? Number.POSITIVE_INFINITY);
    if (full && !this.#members.has(request.instanceId)) return { admitted: false, changes: [] };
    const member: Member = {
      service: request.service,
      instanceId: request.instanceId,
      endpoint: request.endpoint,
      metricsAddress: request.metricsAddress,
      load: request.load,
      registeredAt: now,
      lastSeen: now,
      state: healthOf(request.load, 0, this.options.heartbeatIntervalMs),
    };
    this.#members.set(member.instanceId, member);
    return { admitted: true, changes: [{ kind: "registered", instance: this.#record(member, now) }] };
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
    this.#members.delete(instanceId);
    return [{ kind: "deregistered", instance: this.#record(member, now) }];
  }

  /** Marks overdue instances critical and removes those silent past the expiry. */
  sweep(now: number): DirectoryChange[] {
    const expireAfter = this.options.expiryIntervals * this.options.heartbeatIntervalMs;
    const changes: DirectoryChange[] = [];
    for (const member of this.#members.values()) {
      if (now - member.lastSeen > expireAfter) {
        this.#members.delete(member.instanceId);
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
    return record;
  }
}
