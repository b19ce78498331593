/**
 * Every shape a client of the gateway sees, declared once: the Socket.IO events both ways (typed the
 * way socket.io types them) and the JSON of the HTTP API. The server, the web client and the tests
 * all use these.
 *
 * Types only, imported with `import type`: the web client type-checks this file with the browser's
 * libraries (no Node types) and esbuild erases the import, so nothing here may need Node or run.
 * Its own imports are types too; HealthState comes from @zmesh/mesh's built declarations, so
 * `npx tsc -p web-client` runs after `npx tsc -b`.
 *
 * @example A typed client (in the browser, frames arrive as ArrayBuffer)
 * ```ts
 * import { io, type Socket } from "socket.io-client";
 * import type { ClientToServerEvents, ServerToClientEvents } from "./gateway-api.js";
 *
 * const socket: Socket<ServerToClientEvents<ArrayBuffer>, ClientToServerEvents> = io();
 * socket.on("frame", (frame) => show(frame.jpeg));
 * const answer = await socket.emitWithAck("subscribe", { stream: "main", fps: 5 });
 * ```
 */
import type { HealthState } from "@zmesh/mesh";

// --- Socket.IO ---------------------------------------------------------------------------------

/**
 * What the gateway emits. `Bytes` is how a binary attachment arrives: a Buffer (a Uint8Array) when
 * the gateway sends it and under Node, an ArrayBuffer in a browser.
 */
export interface ServerToClientEvents<Bytes = Uint8Array> {
  /** One frame of the stream the client watches (volatile: a slow client misses frames). */
  frame: (frame: FrameEvent<Bytes>) => void;
  /** The answer to a `subscribe` sent without an acknowledgement callback. */
  subscribed: (answer: SubscribeAccepted) => void;
  /** The refusal of a `subscribe` sent without an acknowledgement callback. */
  "subscribe:error": (answer: SubscribeRefused) => void;
  /** Sent just before the gateway disconnects a client it cannot admit. */
  refused: (refusal: Refusal) => void;
}

/** What a client may emit. */
export interface ClientToServerEvents {
  /**
   * Watch `stream` from now on (at `fps`, or the default rate, when nobody watches it yet); the
   * answer comes to `ack`. Sent without one (an untyped client), the answer comes as a `subscribed`
   * or `subscribe:error` event. The gateway checks the request first: a client's message is a claim.
   */
  subscribe: (request: SubscribeRequest, ack: (answer: SubscribeAnswer) => void) => void;
}

/** Events between gateway servers: none, each gateway serves its own clients. */
export type InterServerEvents = Record<never, never>;

/** What a client receives with each `frame` event. */
export interface FrameEvent<Bytes = Uint8Array> {
  /** The stream this copy of the frame was sent to (renders are shared by streams at one fps). */
  stream: string;
  /** The render's number within its render loop. */
  seq: number;
  /** The image-worker instance that rendered the frame. */
  worker: string;
  /** Epoch ms when the frame was asked for. */
  requestedAt: number;
  /** Epoch ms when the rendered frame came back. */
  renderedAt: number;
  /** Epoch ms when the frame was sent to this stream's viewers. */
  sentAt: number;
  /** JPEG bytes, sent as a binary attachment (no base64). */
  jpeg: Bytes;
}

/** What a client sends with `subscribe`. */
export interface SubscribeRequest {
  /** 1-32 of a-z, 0-9 and '-'. */
  stream: string;
  /** From 1 to the gateway's MAX_STREAM_FPS; the default rate when left out. */
  fps?: number | undefined;
}

/** A `subscribe` that went through: the stream now watched and the rate it runs at. */
export interface SubscribeAccepted {
  ok: true;
  stream: string;
  fps: number;
}

/** A `subscribe` refused: invalid, or past a client limit (then `reason` names it). */
export interface SubscribeRefused {
  ok: false;
  error: string;
  reason?: RefusalReason;
}

/** The answer to `subscribe`. */
export type SubscribeAnswer = SubscribeAccepted | SubscribeRefused;

/** Why the gateway refused a client something: also the `reason` label of zmesh_gateway_refusals_total. */
export type RefusalReason = "connections_per_address" | "subscribe_rate";

/** What a refused client is told: the `connect_error` data, the `refused` event, a `subscribe` refusal. */
export interface Refusal {
  reason: RefusalReason;
  error: string;
}

/** What a client's `connect_error` carries: `data` when a client limit refused the connection (a network error has none). */
export interface ConnectError extends Error {
  data?: Refusal;
}

// --- HTTP --------------------------------------------------------------------------------------

/** The body of GET /healthz: the process answers. */
export interface Health {
  status: "ok";
}

/** The body of GET /readyz (200 when `ready`, 503 otherwise). */
export interface Readiness {
  ready: boolean;
  /** Why not, one sentence per cause (empty when ready). */
  reasons: string[];
  /** Whether the mapper ever answered. */
  mapper: boolean;
  /** Ms since the mapper's last directory event (null: never). */
  directoryAgeMs: number | null;
  /** Image workers a render could go to now. */
  imageWorkers: number;
  /** Renders failed in a row. */
  failedRenders: number;
}

/** The body of GET /api/mesh: the mesh (one page of it) and the gateway's own streams. */
export type MeshResponse = MeshView & StreamsSummary;

/** The mesh as the gateway's directory shows it: every service summarised, one page of instances. */
export interface MeshView {
  /** The mapper's epoch (it changes when the mapper restarts); null before its first snapshot. */
  epoch: string | null;
  /** Every service (or the one asked for), summarised. */
  summary: Record<string, ServiceSummary>;
  /** One page of instances, grouped by service, services and instance ids in order. */
  services: Record<string, MeshInstance[]>;
  /** Where the page stands among all the instances listed. */
  page: { offset: number; limit: number; total: number };
}

/** One service at a glance, whatever its size. */
export interface ServiceSummary {
  instances: number;
  states: Record<HealthState, number>;
  meanLoad: number;
  maxLoad: number;
}

/** What the web client shows of one instance. */
export interface MeshInstance {
  id: string;
  state: HealthState;
  /** Utilisation, 0-1. */
  load: number;
  inFlight: number;
  queued: number;
  latencyMs: number;
  served: number;
  endpoint: string;
}

/** Streams with viewers now, the render loops feeding them, and who rendered the frames. */
export interface StreamsSummary {
  streams: Record<string, { fps: number; viewers: number }>;
  renderLoops: { fps: number; streams: number; renders: number }[];
  /** Frames this gateway emitted lately, by the image worker that rendered them. */
  frames: FrameRates;
}

/** Frames the gateway emitted over the last `windowSeconds`, in all and per image worker. */
export interface FrameRates {
  windowSeconds: number;
  /** Frames a second, every render loop and worker together. */
  framesPerS: number;
  /** Per image-worker instance id: only workers that rendered a frame within the window. */
  workers: Record<string, WorkerFrameRate>;
}

/** One image worker's part of the frames emitted within the window. */
export interface WorkerFrameRate {
  framesPerS: number;
  /** Of the frames emitted within the window, the part this worker rendered (0-1). */
  share: number;
  /** Mean time from asking for a frame to its reply, as the gateway saw it. */
  renderMs: number;
}

/** The formats of GET /api/reports/latest(.json|.csv|.png); the JSON body is the report worker's. */
export type ReportFormat = "json" | "csv" | "png";

/** The body of every HTTP error the gateway answers (400 bad query, 502/503 report unavailable). */
export interface ApiError {
  error: string;
}
