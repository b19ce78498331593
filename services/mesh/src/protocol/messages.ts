import { z } from "zod";

// Header schemas for every message type. The wire layout (frames, signature) lives in codec.ts;
// docs/protocol.md describes both and test/protocol-conformance-test.ts checks them.

export const serviceName = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "lowercase letters, digits and '-'");
export const instanceId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, "1-128 of [A-Za-z0-9._:-]");
export const endpoint = z.string().regex(/^(tcp|ipc|inproc):\/\/\S{1,250}$/, "a ZeroMQ endpoint");
const messageId = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1);
const epoch = z.string().min(1).max(64);

export const loadSchema = z.object({
  /** Jobs executing now. */
  inFlight: z.number().int().min(0),
  /** Jobs accepted and waiting for a free slot. */
  queued: z.number().int().min(0),
  /** Slots in all: concurrency plus queue capacity over every job type. */
  capacity: z.number().int().min(1),
  /** The highest of `jobs`: 1 means some job type has every slot taken and gets BUSY. */
  utilization: z.number().min(0),
  /** Per job type: slots taken (in flight + queued) of the slots it has (concurrency + queue capacity). */
  jobs: z.record(
    z.string().max(64),
    z.object({ used: z.number().int().min(0), slots: z.number().int().min(1) }),
  ),
  /** Recent job duration (exponentially weighted mean), in milliseconds. */
  latencyMs: z.number().min(0),
  /** Jobs answered with REPLY since the instance started (a counter: rates come from differences). */
  served: z.number().int().min(0),
  /** Jobs refused with BUSY since the instance started. */
  refused: z.number().int().min(0),
});
export type Load = z.infer<typeof loadSchema>;

/** Consul-style health: passing, warning (alive but saturated), critical (heartbeats overdue). */
export const healthState = z.enum(["passing", "warning", "critical"]);
export type HealthState = z.infer<typeof healthState>;

export const instanceSchema = z.object({
  service: serviceName,
  instanceId,
  endpoint,
  metricsAddress: z.string().max(256).optional(),
  load: loadSchema,
  state: healthState,
  registeredAt: z.number(),
  /** Milliseconds since the mapper last heard from the instance, when the record was sent. */
  silentForMs: z.number().min(0),
});
export type InstanceRecord = z.infer<typeof instanceSchema>;

export const changeKind = z.enum(["registered", "deregistered", "expired", "state"]);
export type ChangeKind = z.infer<typeof changeKind>;

export const headerSchemas = {
  REGISTER: z.object({
    id: messageId,
    service: serviceName,
    instanceId,
    endpoint,
    metricsAddress: z.string().max(256).optional(),
    load: loadSchema,
  }),
  HEARTBEAT: z.object({ id: messageId, instanceId, load: loadSchema }),
  DEREGISTER: z.object({ id: messageId, instanceId }),
  GET_PEERS: z.object({ id: messageId, service: serviceName.optional() }),
  ACK: z.object({ id: messageId, epoch }),
  PEERS: z.object({
    id: messageId,
    epoch,
    eventsPort: z.number().int().min(1).max(65535),
    instances: z.array(instanceSchema),
  }),
  SNAPSHOT: z.object({
    epoch,
    seq: z.number().int().min(0),
    /** True while a restarted mapper is still hearing members re-register: merge, do not replace. */
    partial: z.boolean(),
    instances: z.array(instanceSchema),
  }),
  CHANGE: z.object({ epoch, seq: z.number().int().min(0), kind: changeKind, instance: instanceSchema }),
  REQUEST: z.object({
    id: messageId,
    service: serviceName,
    job: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
    /** Time budget left for this hop, in ms: relative, so no clock agreement is needed between hosts. */
    timeoutMs: z.number().int().min(1).max(3_600_000),
    traceId: z.string().min(1).max(64),
    contentType: z.string().max(128),
  }),
  REPLY: z.object({ id: messageId, contentType: z.string().max(128), durationMs: z.number().min(0) }),
  BUSY: z.object({ id: messageId, load: loadSchema }),
  ERROR: z.object({ id: messageId.optional(), code: z.string().max(64), message: z.string().max(1024) }),
} as const;

export type HeaderSchemas = typeof headerSchemas;
export type Headers = { [K in keyof HeaderSchemas]: z.infer<HeaderSchemas[K]> };
