import type { DirectoryCache, HealthState, InstanceRecord } from "@zmesh/mesh";
import { z } from "zod";

/** The query of GET /api/mesh: one service or all, one page of instances. */
export const meshQuerySchema = z.object({
  service: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,62}$/, "service: lowercase letters, digits and '-'")
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000, "limit: at most 1000").default(200),
  offset: z.coerce.number().int().min(0).default(0),
});

export type MeshQuery = z.infer<typeof meshQuerySchema>;

/** What the web client shows of one instance. */
export interface MeshInstance {
  id: string;
  state: HealthState;
  load: number;
  inFlight: number;
  queued: number;
  latencyMs: number;
  served: number;
  endpoint: string;
}

/** One service at a glance, whatever its size. */
export interface ServiceSummary {
  instances: number;
  states: Record<HealthState, number>;
  meanLoad: number;
  maxLoad: number;
}

export interface MeshView {
  epoch: string | null;
  /** Every service (or the one asked for), summarised. */
  summary: Record<string, ServiceSummary>;
  /** One page of instances, grouped by service, services and instance ids in order. */
  services: Record<string, MeshInstance[]>;
  page: { offset: number; limit: number; total: number };
}

/**
 * The directory as GET /api/mesh answers it: a summary per service, and a page of instances, so
 * the answer's size and cost stay small with thousands of instances.
 */
export function meshView(directory: DirectoryCache, query: MeshQuery): MeshView {
  const names = (query.service === undefined ? directory.services() : [query.service]).sort();
  const summary: Record<string, ServiceSummary> = {};
  const services: Record<string, MeshInstance[]> = {};
  let total = 0;
  const end = query.offset + query.limit;
  for (const service of names) {
    const instances = directory.instances(service);
    if (instances.length === 0) continue;
    summary[service] = summarise(instances);
    const first = Math.max(0, query.offset - total);
    const last = Math.min(instances.length, end - total);
    total += instances.length;
    if (first >= last) continue;
    instances.sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
    services[service] = instances.slice(first, last).map(describe);
  }
  return {
    epoch: directory.epoch ?? null,
    summary,
    services,
    page: { offset: query.offset, limit: query.limit, total },
  };
}

function summarise(instances: readonly InstanceRecord[]): ServiceSummary {
  const states: Record<HealthState, number> = { passing: 0, warning: 0, critical: 0 };
  let sum = 0;
  let max = 0;
  for (const { state, load } of instances) {
    states[state]++;
    sum += load.utilization;
    max = Math.max(max, load.utilization);
  }
  return { instances: instances.length, states, meanLoad: sum / instances.length, maxLoad: max };
}

function describe(instance: InstanceRecord): MeshInstance {
  const { load } = instance;
  return {
    id: instance.instanceId,
    state: instance.state,
    load: load.utilization,
    inFlight: load.inFlight,
    queued: load.queued,
    latencyMs: load.latencyMs,
    served: load.served,
    endpoint: instance.endpoint,
  };
}
