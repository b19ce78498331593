import type { DirectoryView, HealthState, InstanceRecord } from "@zmesh/mesh";
import { z } from "zod";
import type { MeshInstance, MeshView, ServiceSummary } from "../gateway-api.js";

/** The query of GET /api/mesh: one service or all, one page of instances. */
export const meshQuerySchema = z.object({
  service: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,62}$/, "service: lowercase letters, digits and '-'")
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000, "limit: at most 1000").default(200),
  offset: z.coerce.number().int().min(0).default(0),
});

/** A checked GET /api/mesh query, defaults filled in. */
export type MeshQuery = z.infer<typeof meshQuerySchema>;

/**
 * The directory as GET /api/mesh answers it: a summary per service, and a page of instances, so
 * the answer's size and cost stay small with thousands of instances.
 *
 * @example
 * ```ts
 * const view = meshView(directory, meshQuerySchema.parse({ service: "image-worker", limit: "50" }));
 * view.page; // { offset: 0, limit: 50, total: every image worker listed }
 * ```
 */
export function meshView(directory: DirectoryView, query: MeshQuery): MeshView {
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
