import { z } from "zod";
import { dialableEndpointProblem, hostPortProblem } from "./addresses.js";

// Header schemas for every message type. The wire layout (frames, signature) lives in codec.ts;
// docs/protocol.md describes both and test/protocol-conformance-test.ts checks them.

/** A service name's pattern (hot-headers.ts checks REQUEST with the same one). */
export const SERVICE_NAME = /^[a-z][a-z0-9-]{0,62}$/;
export const serviceName = z.string().regex(SERVICE_NAME, "lowercase letters, digits and '-'");
export const instanceId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, "1-128 of [A-Za-z0-9._:-]");
/** Checked as ZeroMQ will read it (see addresses.ts); the length cap comes first so no rule reads a huge string. */
export const endpoint = z
  .string()
  .max(300)
  .superRefine((text, context) => {
    const problem = dialableEndpointProblem(text);
    if (problem) context.addIssue({ code: "custom", message: `not a dialable endpoint: ${problem}` });
  });
/** `host:port` of a member's /metrics. */
export const metricsAddress = z
  .string()
  .max(300)
  .superRefine((text, context) => {
    const problem = hostPortProblem(text);
    if (problem) context.addIssue({ code: "custom", message: `not host:port: ${problem}` });
  });
/** A job type's name pattern. */
export const JOB_NAME = /^[A-Za-z0-9._-]{1,64}$/;
export const jobName = z.string().regex(JOB_NAME, "1-64 of [A-Za-z0-9._-]");
const messageId = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1);
const epoch = z.string().min(1).max(64);

/** Bounds of a load report: generous for any real worker, small enough that no record is huge. */
export const LOAD_LIMITS = { maxJobTypes: 64, maxSlots: 1_000_000, maxLatencyMs: 3_600_000 } as const;
const slots = z.number().int().min(0).max(LOAD_LIMITS.maxSlots);
const counter = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const loadSchema = z.object({
  /** Jobs executing now. */
  inFlight: slots,
  /** Jobs accepted and waiting for a free slot. */
  queued: slots,
  /** Slots in all: concurrency plus queue capacity over every job type. */
  capacity: slots.min(1),
  /** The highest of `jobs`: 1 means some job type has every slot taken and gets BUSY. */
  utilization: z.number().min(0).max(1),
  /** Per job type: slots taken (in flight + queued) of the slots it has (concurrency + queue capacity). */
  jobs: z
    .record(jobName, z.object({ used: slots, slots: slots.min(1) }))
    .refine((jobs) => Object.keys(jobs).length <= LOAD_LIMITS.maxJobTypes, {
      message: `at most ${LOAD_LIMITS.maxJobTypes} job types`,
    }),
  /** Recent job duration (exponentially weighted mean), in milliseconds. */
  latencyMs: z.number().min(0).max(LOAD_LIMITS.maxLatencyMs),
  /** Jobs answered with REPLY since the instance started (a counter: rates come from differences). */
  served: counter,
  /** Jobs refused with BUSY since the instance started. */
  refused: counter,
});
export type Load = z.infer<typeof loadSchema>;

/** Consul-style health: passing, warning (alive but saturated), critical (heartbeats overdue). */
export const healthState = z.enum(["passing", "warning", "critical"]);
export type HealthState = z.infer<typeof healthState>;

/** A CURVE public key, Z85 (40 characters): the key a worker's job socket answers with. */
export const publicKey = z
  .string()
  .regex(/^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]{40}$/, "a Z85 CURVE public key");
/** A member's proof that it holds its key's secret: an HMAC-SHA256, base64url (43 characters). */
const proof = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "an HMAC-SHA256 in base64url");

export const instanceSchema = z.object({
  service: serviceName,
  instanceId,
  endpoint,
  metricsAddress: metricsAddress.optional(),
  /** The key its job socket answers with (CURVE): callers dial it with this as the server key. */
  publicKey: publicKey.optional(),
  load: loadSchema,
  state: healthState,
  /** Epoch ms on the mapper's clock. */
  registeredAt: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** Milliseconds since the mapper last heard from the instance, when the record was sent. */
  silentForMs: z.number().min(0).max(Number.MAX_SAFE_INTEGER),
});
export type InstanceRecord = z.infer<typeof instanceSchema>;

/** The most instances one PEERS page may carry. */
export const MAX_PAGE_INSTANCES = 10_000;
/** The most parts one SNAPSHOT may come in (a bound on what a watcher keeps while assembling). */
export const MAX_SNAPSHOT_PARTS = 10_000;

export const changeKind = z.enum(["registered", "deregistered", "expired", "state"]);
export type ChangeKind = z.infer<typeof changeKind>;

/** One change to the directory: what the mapper's registry reports and a CHANGE event carries. */
export interface DirectoryChange {
  kind: ChangeKind;
  instance: InstanceRecord;
}

/**
 * What a payload is when its message names nothing: raw bytes. Senders leave this default out: it
 * keeps a usual REQUEST's header frame within the 128 bytes zeromq.js copies on arrival, where a
 * longer frame is lent as an external buffer, which cost a round trip about 8 µs.
 */
export const DEFAULT_CONTENT_TYPE = "application/octet-stream";

/** A REQUEST's or REPLY's content type as received: the default when the header leaves it out. */
export const contentTypeOf = (header: { contentType?: string | undefined }): string =>
  header.contentType ?? DEFAULT_CONTENT_TYPE;

/** Puts `contentType` in a header to send, unless it is the default (which travels as its absence). */
export function setContentType(header: { contentType?: string | undefined }, contentType: string): void {
  if (contentType !== DEFAULT_CONTENT_TYPE) header.contentType = contentType;
}
const contentTypeSchema = z.string().max(128).optional();

/** The header schema of every message type: what a receiver accepts, field by field (docs/protocol.md). */
export const headerSchemas = {
  REGISTER: z.object({
    id: messageId,
    service: serviceName,
    instanceId,
    endpoint,
    metricsAddress: metricsAddress.optional(),
    load: loadSchema,
    /** CURVE: the member's public key, which is also its job socket's. */
    publicKey: publicKey.optional(),
    /** CURVE: proof that the sender holds `publicKey`'s secret (see security/member-proof.ts). */
    proof: proof.optional(),
  }),
  HEARTBEAT: z.object({ id: messageId, instanceId, load: loadSchema, proof: proof.optional() }),
  DEREGISTER: z.object({ id: messageId, instanceId, proof: proof.optional() }),
  GET_PEERS: z.object({
    id: messageId,
    service: serviceName.optional(),
    /** Continue after this instance id: the `next` of the previous PEERS page. */
    cursor: instanceId.optional(),
    /** At most this many instances in the page (the mapper may send fewer, to keep it small). */
    limit: z.number().int().min(1).max(MAX_PAGE_INSTANCES).optional(),
  }),
  ACK: z.object({ id: messageId, epoch }),
  PEERS: z
    .object({
      id: messageId,
      epoch,
      /** The events socket's port, on the host the caller reached the mapper at: sent when it is tcp. */
      eventsPort: z.number().int().min(1).max(65535).optional(),
      /** The events socket's endpoint, dialled as is (preferred to eventsPort): sent when it is not tcp. */
      eventsEndpoint: endpoint.optional(),
      instances: z.array(instanceSchema),
      /** Present when more instances follow: ask GET_PEERS again with this as `cursor`. */
      next: instanceId.optional(),
    })
    .refine((peers) => peers.eventsPort !== undefined || peers.eventsEndpoint !== undefined, {
      message: "eventsPort or eventsEndpoint is required",
    }),
  SNAPSHOT: z
    .object({
      epoch,
      seq: z.number().int().min(0),
      /** True while a restarted mapper is still hearing members re-register: merge, do not replace. */
      partial: z.boolean(),
      instances: z.array(instanceSchema),
      /** Which part this is (from 0) of a snapshot sent in `parts` parts, all with the same seq. */
      part: z
        .number()
        .int()
        .min(0)
        .max(MAX_SNAPSHOT_PARTS - 1)
        .optional(),
      parts: z.number().int().min(2).max(MAX_SNAPSHOT_PARTS).optional(),
    })
    .refine(
      (snapshot) =>
        (snapshot.part === undefined) === (snapshot.parts === undefined) &&
        (snapshot.part ?? 0) < (snapshot.parts ?? 1),
      {
        message: "part and parts come together, part < parts",
      },
    ),
  CHANGE: z.object({ epoch, seq: z.number().int().min(0), kind: changeKind, instance: instanceSchema }),
  REQUEST: z.object({
    id: messageId,
    service: serviceName,
    job: jobName,
    /** Time budget left for this hop, in ms: relative, so no clock agreement is needed between hosts. */
    timeoutMs: z.number().int().min(1).max(3_600_000),
    traceId: z.string().min(1).max(64),
    contentType: contentTypeSchema,
  }),
  REPLY: z.object({ id: messageId, contentType: contentTypeSchema, durationMs: z.number().min(0) }),
  BUSY: z.object({ id: messageId, load: loadSchema }),
  ERROR: z.object({ id: messageId.optional(), code: z.string().max(64), message: z.string().max(1024) }),
} as const;

export type HeaderSchemas = typeof headerSchemas;
export type Headers = { [K in keyof HeaderSchemas]: z.infer<HeaderSchemas[K]> };
