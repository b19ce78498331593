import { randomUUID } from "node:crypto";
import {
  register as defaultMetricsRegistry,
  type Histogram,
  type Registry as MetricsRegistry,
} from "prom-client";
import type { DirectoryDiff, DirectoryView } from "../directory/directory-cache.js";
import { MapperSet } from "../directory/mapper-set.js";
import { MappersWatcher } from "../directory/mappers-watcher.js";
import type { MergedDirectory } from "../directory/merged-directory.js";
import { failureLabel } from "../errors.js";
import { type Logger, silentLogger } from "../observability/logger.js";
import { malformedReporter } from "../observability/malformed.js";
import { peerMetrics } from "../observability/metrics.js";
import { DEFAULT_CONTENT_TYPE, type InstanceRecord } from "../protocol/mod.js";
import { clientSocketOptions, INSECURE, type MeshSecurity } from "../security/mesh-security.js";
import type { ConnectionState } from "../transport/dealer-channel.js";
import { settlesWithin } from "../util/settles-within.js";
import type { CallOptions, CallResult } from "../worker/jobs.js";
import { LatencyEstimate } from "./latency-estimate.js";
import { type CallPlan, PeerCall, type ServiceRoute } from "./peer-call.js";
import { choosePeer } from "./peer-choice.js";
import { PeerConnection } from "./peer-connection.js";
import { ServicePeers } from "./service-peers.js";
import { newTraceId } from "./trace-id.js";

export interface PeerClientOptions {
  /** The mapper's control endpoint (one of `mapperEndpoint`, `mapperEndpoints` and `mappers` is needed). */
  mapperEndpoint?: string;
  /**
   * Every mapper replica (a DNS name stands for all its addresses): their directories are merged.
   * Takes precedence over `mapperEndpoint`.
   */
  mapperEndpoints?: readonly string[];
  /** Share a member's channels to the mappers instead of opening others (the member closes them). */
  mappers?: MapperSet;
  logger?: Logger;
  metrics?: MetricsRegistry;
  defaultTimeoutMs?: number;
  /** Silence from the mapper's events after which the directory is fetched again (default 3 s). */
  directoryStaleMs?: number;
  /** Most instances of one service this client keeps connections to (default 10). */
  subsetSize?: number;
  /** Shortest time an attempt is given before it counts as overdue, in ms (default 50). */
  minAttemptMs?: number;
  /** How long a connection may take to come up before its instance is set aside (default 2000 ms). */
  connectTimeoutMs?: number;
  /**
   * CURVE with this process's key set: the mapper is dialled with its key, and each worker with the
   * key its record names, so only the holder of that key's secret can answer (default plaintext).
   */
  security?: MeshSecurity;
}

const DEFAULT_MAX_ATTEMPTS = 3;
const MAINTENANCE_MS = 250;

/** A service this client has called: its subset, its route, and the first wait for the directory. */
interface ServiceEntry {
  peers: ServicePeers;
  route: ServiceRoute;
  /** The first wait for the directory (absent only while the entry is being made). */
  ready?: Promise<void>;
  /** True once `ready` has resolved: calls then start at once. */
  isReady: boolean;
}

/**
 * Sends jobs straight to workers, peer to peer: the mapper only tells us who exists and how loaded
 * they claim to be. Per service it keeps a bounded subset of connections; each call has a deadline
 * and each attempt a budget learnt from the instance's latency. An instance past its budget is out
 * of choice at once, and a retryable (idempotent) job is hedged on another instance meanwhile. BUSY
 * is always retried elsewhere (the job never ran); timeouts and dropped connections only for jobs
 * marked retryable.
 *
 * @example
 * const peers = new PeerClient({ mapperEndpoint: "tcp://127.0.0.1:5555" });
 * const frame = await peers.call("image-worker", "render", Buffer.from("{}"), {
 *   timeoutMs: 1000,
 *   retryable: true, // a render has no side effect: it may be hedged or retried elsewhere
 * });
 * console.log(frame.servedBy, frame.payload.byteLength);
 * peers.close();
 */
export class PeerClient {
  readonly #directory: MergedDirectory;
  readonly #watcher: MappersWatcher;
  readonly #mappers: MapperSet;
  readonly #ownsMappers: boolean;
  /** Services this client has called: their subsets, and the first wait for the directory. */
  readonly #services = new Map<string, ServiceEntry>();
  readonly #durations = new Map<string, Histogram.Internal<string>>();
  readonly #maintenance: NodeJS.Timeout;
  readonly #changedServices = new Set<string>();
  #refreshScheduled = false;
  readonly #seed = randomUUID();
  readonly #logger: Logger;
  readonly #metrics: ReturnType<typeof peerMetrics>;
  readonly #reportMalformed: ReturnType<typeof malformedReporter>;
  readonly #defaultTimeoutMs: number;
  readonly #subsetSize: number;
  readonly #minAttemptMs: number;
  readonly #connectTimeoutMs: number;
  readonly #security: MeshSecurity;

  constructor(options: PeerClientOptions) {
    this.#logger = options.logger ?? silentLogger();
    const registry = options.metrics ?? defaultMetricsRegistry;
    this.#metrics = peerMetrics(registry);
    this.#reportMalformed = malformedReporter("peer", this.#logger, registry);
    this.#defaultTimeoutMs = options.defaultTimeoutMs ?? 5000;
    this.#subsetSize = options.subsetSize ?? 10;
    this.#minAttemptMs = options.minAttemptMs ?? 50;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 2000;
    this.#security = options.security ?? INSECURE;
    const toMapper =
      "curve" in this.#security
        ? clientSocketOptions(this.#security, this.#security.curve.mapperPublicKey)
        : {};
    this.#ownsMappers = options.mappers === undefined;
    this.#mappers =
      options.mappers ??
      new MapperSet({
        endpoints: options.mapperEndpoints ?? (options.mapperEndpoint ? [options.mapperEndpoint] : []),
        onMalformed: this.#reportMalformed,
        secured: toMapper,
        logger: this.#logger,
      });
    this.#watcher = new MappersWatcher({
      mappers: this.#mappers,
      logger: this.#logger,
      onMalformed: this.#reportMalformed,
      onDiff: (diff) => this.#onDirectoryDiff(diff),
      secured: toMapper,
      ...(options.directoryStaleMs ? { staleAfterMs: options.directoryStaleMs } : {}),
    });
    this.#directory = this.#watcher.directory;
    // Connections that never come up are only noticed with time passing: look again a few times a second.
    this.#maintenance = setInterval(() => this.#refreshAll(), MAINTENANCE_MS);
    this.#maintenance.unref();
  }

  /** This client's copy of the directory, to read: it is kept current from the mapper's events. */
  get directory(): DirectoryView {
    return this.#directory;
  }

  /** Resolves once the first directory has arrived from the mapper. */
  get ready(): Promise<void> {
    return this.#watcher.ready;
  }

  /** Epoch ms of the mapper's last event (0 before any). */
  get lastDirectoryEventAt(): number {
    return this.#watcher.lastEventAt;
  }

  /**
   * Instances of `service` this client would send a job to now: in its subset, connected (or
   * connecting) and trusted. Before the first call to the service, every known instance counts.
   * Zero means a call would fail with NO_PEER.
   */
  usableInstances(service: string): number {
    const entry = this.#services.get(service);
    if (!entry) return this.#directory.count(service);
    const now = Date.now();
    let usable = 0;
    for (const connection of entry.peers.connections) if (connection.available(now)) usable++;
    return usable;
  }

  /** Open connections to instances of `service` (bounded by the subset size). */
  connectionCount(service: string): number {
    return this.#services.get(service)?.peers.size ?? 0;
  }

  call(service: string, job: string, payload: Uint8Array, options: CallOptions = {}): Promise<CallResult> {
    const started = performance.now();
    const deadline = Date.now() + (options.timeoutMs ?? this.#defaultTimeoutMs);
    return new Promise((resolve, reject) => {
      const end = (error: unknown, result?: CallResult) => {
        const outcome = error === undefined ? "ok" : failureLabel(error);
        this.#durationOf(service, job, outcome).observe((performance.now() - started) / 1000);
        if (error === undefined) resolve(result as CallResult);
        else reject(error);
      };
      const plan: CallPlan = {
        job,
        payload,
        deadline,
        maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        retryable: options.retryable ?? false,
        traceId: options.traceId ?? newTraceId(),
        contentType: options.contentType ?? DEFAULT_CONTENT_TYPE,
      };
      const entry = this.#services.get(service);
      // Only a service's first calls wait for the directory: later ones start in this tick.
      if (entry?.isReady) return new PeerCall(entry.route, plan, end).start();
      this.#want(service, deadline).then((route) => new PeerCall(route, plan, end).start(), end);
    });
  }

  /** The histogram's child for these labels, resolved once: a labelled observe() hashes its labels every time. */
  #durationOf(service: string, job: string, outcome: string): Histogram.Internal<string> {
    const key = `${service}\n${job}\n${outcome}`;
    let child = this.#durations.get(key);
    if (!child) {
      child = this.#metrics.requestDuration.labels({ service_name: service, job, outcome });
      this.#durations.set(key, child);
    }
    return child;
  }

  close(): void {
    clearInterval(this.#maintenance);
    this.#watcher.close();
    for (const { peers } of this.#services.values()) peers.close();
    this.#services.clear();
    if (this.#ownsMappers) this.#mappers.close();
  }

  /** The first call to a service waits (within its deadline) for the directory; later calls do not wait. */
  async #want(service: string, deadline: number): Promise<ServiceRoute> {
    let entry = this.#services.get(service);
    if (!entry) {
      const peers = this.#servicePeers(service);
      const created: ServiceEntry = { peers, route: this.#routeFor(service, peers), isReady: false };
      created.ready = settlesWithin(this.#watcher.ready, deadline - Date.now()).then(() => {
        peers.refresh(this.#directory.instances(service), Date.now());
        created.isReady = true;
      });
      entry = created;
      this.#services.set(service, entry);
    }
    await entry.ready;
    return entry.route;
  }

  /** What calls to `service` need from this client, bound once. */
  #routeFor(service: string, peers: ServicePeers): ServiceRoute {
    // Each job's latency over all of the service's instances: the budget for one not yet measured.
    const jobLatency = new Map<string, LatencyEstimate>();
    const estimateOf = (job: string) => {
      let estimate = jobLatency.get(job);
      if (!estimate) {
        estimate = new LatencyEstimate();
        jobLatency.set(job, estimate);
      }
      return estimate;
    };
    return {
      service,
      pick: (job, tried) => this.#pick(peers, job, tried),
      // What this instance usually takes for the job, else what the service does.
      budget: (connection, job) =>
        connection.overdueAfterMs(job, this.#minAttemptMs) ??
        jobLatency.get(job)?.overdueAfterMs(this.#minAttemptMs),
      jobLatency: estimateOf,
      retried: (reason) => this.#metrics.retries.inc({ service_name: service, reason }),
      busy: (instanceId, load) => this.#directory.updateLoad(service, instanceId, load),
    };
  }

  #servicePeers(service: string): ServicePeers {
    return new ServicePeers({
      service,
      seed: this.#seed,
      subsetSize: this.#subsetSize,
      connectTimeoutMs: this.#connectTimeoutMs,
      open: (record) => this.#open(record),
      // With CURVE, an instance that names no key cannot prove who it is: it is never dialled.
      dialable: (record) => "insecure" in this.#security || record.publicKey !== undefined,
      onUnreachable: (record, reason, detail, first) => {
        this.#metrics.unreachable.inc({ service_name: service, reason });
        if (first)
          this.#logger.warn("instance unreachable: set aside", {
            peer: record.instanceId,
            endpoint: record.endpoint,
            reason: detail,
          });
      },
    });
  }

  /**
   * Power of two choices among the trusted instances, those with a connection up first; the suspect
   * ones only when none is trusted. An instance that left the directory is never chosen.
   */
  #pick(peers: ServicePeers, job: string, tried: readonly string[]): PeerConnection | undefined {
    const now = Date.now();
    // Only the best tier found so far is kept: 0 connected, 1 connecting, 2 suspect.
    let pool: PeerConnection[] = [];
    let poolTier = 3;
    for (const connection of peers.connections) {
      if (tried.includes(connection.instanceId) || !connection.reachable(now)) continue;
      const record = this.#directory.get(connection.record.service, connection.instanceId);
      if (record === undefined) continue;
      connection.record = record;
      const tier = !connection.available(now) ? 2 : connection.channel.state === "up" ? 0 : 1;
      if (tier > poolTier) continue;
      if (tier < poolTier) {
        pool = [];
        poolTier = tier;
      }
      pool.push(connection);
    }
    // A lone instance is the choice whatever its load: no candidate to weigh.
    if (pool.length <= 1) return pool[0];
    const clock = performance.now();
    return choosePeer(pool.map((connection) => connection.asCandidate(job, clock)))?.connection;
  }

  #open(record: InstanceRecord): PeerConnection {
    const service = record.service;
    return new PeerConnection(
      record,
      {
        onMalformed: this.#reportMalformed,
        zmtpHeartbeatMs: 1000,
        secured: record.publicKey ? clientSocketOptions(this.#security, record.publicKey) : {},
      },
      {
        onStateChange: (connection, state) => this.#onConnectionState(connection, state),
        onOverdue: (connection) => {
          this.#metrics.overdue.inc({ service_name: service });
          this.#logger.debug("reply overdue: instance out of choice until it answers", {
            peer: connection.instanceId,
          });
        },
        onEjected: (connection, restMs, reason) => {
          this.#metrics.ejections.inc({ service_name: service, reason });
          this.#logger.warn(
            reason === "misdirected"
              ? "peer is not what its record claims: resting it"
              : "peer keeps failing: resting it",
            { peer: connection.instanceId, endpoint: connection.record.endpoint, restMs },
          );
        },
      },
    );
  }

  #onConnectionState(connection: PeerConnection, state: ConnectionState): void {
    if (state !== "down") return;
    this.#metrics.ejections.inc({ service_name: connection.record.service, reason: "disconnect" });
    this.#logger.info("peer connection dropped: not routing to it", { peer: connection.instanceId });
  }

  #refreshAll(): void {
    const now = Date.now();
    for (const [service, { peers }] of this.#services) {
      peers.refresh(this.#directory.instances(service), now);
      this.#metrics.connections.set({ service_name: service }, peers.size);
    }
  }

  /**
   * Directory changes come in floods (thousands of registrations, snapshot parts): note which
   * services changed and bring their subsets in line once per turn of the event loop, not per change.
   */
  #onDirectoryDiff(diff: DirectoryDiff): void {
    for (const instance of [...diff.added, ...diff.removed]) this.#changedServices.add(instance.service);
    if (this.#changedServices.size > 0 && !this.#refreshScheduled) {
      this.#refreshScheduled = true;
      setImmediate(() => this.#refreshChanged());
    }
  }

  #refreshChanged(): void {
    this.#refreshScheduled = false;
    const now = Date.now();
    for (const service of this.#changedServices) {
      this.#services.get(service)?.peers.refresh(this.#directory.instances(service), now);
      const size = this.#directory.count(service);
      if (size > 0) this.#metrics.directorySize.set({ service_name: service }, size);
      else this.#metrics.directorySize.remove({ service_name: service });
    }
    this.#changedServices.clear();
  }
}
