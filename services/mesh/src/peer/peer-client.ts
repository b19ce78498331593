import { randomUUID } from "node:crypto";
import { register as defaultMetricsRegistry, type Registry as MetricsRegistry } from "prom-client";
import { DirectoryCache, type DirectoryDiff } from "../directory/directory-cache.js";
import { DirectoryWatcher } from "../directory/directory-watcher.js";
import { CallFailure, MeshError } from "../errors.js";
import { type Logger, silentLogger } from "../observability/logger.js";
import { malformedReporter } from "../observability/malformed.js";
import { peerMetrics } from "../observability/metrics.js";
import type { InstanceRecord, Message } from "../protocol/mod.js";
import { type ConnectionState, DealerChannel } from "../transport/dealer-channel.js";
import { settlesWithin } from "../util/settles-within.js";
import type { CallOptions, CallResult } from "../worker/jobs.js";
import { choosePeer } from "./peer-choice.js";
import { PeerConnection } from "./peer-connection.js";

export interface PeerClientOptions {
  mapperEndpoint: string;
  /** Share a member's control channel to the mapper instead of opening another. */
  control?: DealerChannel;
  logger?: Logger;
  metrics?: MetricsRegistry;
  defaultTimeoutMs?: number;
  /** Silence from the mapper's events after which the directory is fetched again (default 3 s). */
  directoryStaleMs?: number;
}

const DEFAULT_MAX_ATTEMPTS = 3;
const EMPTY = new Uint8Array(0);

/**
 * Sends jobs straight to workers, peer to peer: the mapper only tells us who exists and how loaded
 * they are. Each call has a deadline; the instance is chosen by power of two choices on load;
 * BUSY is retried on another instance (the job never ran), and so are timeouts and dropped
 * connections for jobs marked retryable.
 */
export class PeerClient {
  readonly directory = new DirectoryCache();
  readonly #watcher: DirectoryWatcher;
  readonly #control: DealerChannel;
  readonly #ownsControl: boolean;
  readonly #connections = new Map<string, PeerConnection>();
  /** Services this client has called (and when their connections were opened): it keeps connections to their instances. */
  readonly #wanted = new Map<string, Promise<void>>();
  readonly #logger: Logger;
  readonly #metrics: ReturnType<typeof peerMetrics>;
  readonly #reportMalformed: ReturnType<typeof malformedReporter>;
  readonly #defaultTimeoutMs: number;

  constructor(options: PeerClientOptions) {
    this.#logger = options.logger ?? silentLogger();
    const registry = options.metrics ?? defaultMetricsRegistry;
    this.#metrics = peerMetrics(registry);
    this.#reportMalformed = malformedReporter("peer", this.#logger, registry);
    this.#defaultTimeoutMs = options.defaultTimeoutMs ?? 5000;
    this.#ownsControl = options.control === undefined;
    this.#control =
      options.control ?? new DealerChannel(options.mapperEndpoint, { onMalformed: this.#reportMalformed });
    this.#watcher = new DirectoryWatcher({
      control: this.#control,
      mapperEndpoint: options.mapperEndpoint,
      cache: this.directory,
      logger: this.#logger,
      onMalformed: this.#reportMalformed,
      onDiff: (diff) => this.#onDirectoryDiff(diff),
      ...(options.directoryStaleMs ? { staleAfterMs: options.directoryStaleMs } : {}),
    });
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
   * Instances of `service` this client would send a job to now: known, connected or connecting,
   * and not rested for failing. Zero means calls would fail with NO_PEER.
   */
  usableInstances(service: string): number {
    const now = Date.now();
    let usable = 0;
    for (const instance of this.directory.instances(service)) {
      const connection = this.#connections.get(instance.instanceId);
      if (connection === undefined || connection.available(now)) usable++;
    }
    return usable;
  }

  async call(
    service: string,
    job: string,
    payload: Uint8Array,
    options: CallOptions = {},
  ): Promise<CallResult> {
    const started = performance.now();
    let outcome = "ok";
    try {
      return await this.#callWithRetries(service, job, payload, options);
    } catch (error) {
      outcome = error instanceof MeshError ? error.code.toLowerCase() : "error";
      throw error;
    } finally {
      this.#metrics.requestDuration.observe(
        { service_name: service, job, outcome },
        (performance.now() - started) / 1000,
      );
    }
  }

  close(): void {
    this.#watcher.close();
    for (const connection of this.#connections.values()) connection.close();
    this.#connections.clear();
    if (this.#ownsControl) this.#control.close();
  }

  async #callWithRetries(
    service: string,
    job: string,
    payload: Uint8Array,
    options: CallOptions,
  ): Promise<CallResult> {
    const deadline = Date.now() + (options.timeoutMs ?? this.#defaultTimeoutMs);
    const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const traceId = options.traceId ?? randomUUID();
    const contentType = options.contentType ?? "application/octet-stream";
    await this.#want(service, deadline);

    const tried = new Set<string>();
    let lastFailure: MeshError | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const timeoutMs = Math.ceil(deadline - Date.now());
      if (timeoutMs <= 0) break;
      const connection = this.#pick(service, job, tried);
      if (!connection) break;
      tried.add(connection.record.instanceId);
      if (attempt > 1 && lastFailure)
        this.#metrics.retries.inc({ service_name: service, reason: lastFailure.code.toLowerCase() });

      let reply: Message;
      try {
        reply = await connection.channel.request(
          "REQUEST",
          { service, job, timeoutMs, traceId, contentType },
          timeoutMs,
          payload,
        );
      } catch (error) {
        const failure =
          error instanceof MeshError ? error : new MeshError(CallFailure.SEND_FAILED, String(error));
        this.#recordFailure(connection, failure);
        if (!options.retryable) throw failure;
        lastFailure = failure;
        continue;
      }
      if (reply.type === "REPLY") {
        connection.recordSuccess();
        return {
          payload: reply.payload ?? EMPTY,
          contentType: reply.header.contentType,
          servedBy: connection.record.instanceId,
          durationMs: reply.header.durationMs,
        };
      }
      if (reply.type === "BUSY") {
        this.directory.updateLoad(service, connection.record.instanceId, reply.header.load);
        lastFailure = new MeshError(CallFailure.BUSY, `${connection.record.instanceId} is busy`);
        continue;
      }
      if (reply.type === "ERROR") throw new MeshError(reply.header.code, reply.header.message);
      throw new MeshError(
        CallFailure.SEND_FAILED,
        `unexpected ${reply.type} from ${connection.record.instanceId}`,
      );
    }
    if (lastFailure) throw lastFailure;
    if (Date.now() >= deadline)
      throw new MeshError(CallFailure.TIMEOUT, `no ${service} answered ${job} in time`);
    throw new MeshError(CallFailure.NO_PEER, `no available instance of ${service}`);
  }

  /** The first call to a service waits (within its deadline) for the directory; later calls do not wait. */
  #want(service: string, deadline: number): Promise<void> {
    let wanted = this.#wanted.get(service);
    if (!wanted) {
      wanted = settlesWithin(this.#watcher.ready, deadline - Date.now()).then(() => {
        for (const instance of this.directory.instances(service)) this.#connectionFor(instance);
      });
      this.#wanted.set(service, wanted);
    }
    return wanted;
  }

  #pick(service: string, job: string, tried: ReadonlySet<string>): PeerConnection | undefined {
    const now = Date.now();
    const candidates = [];
    for (const instance of this.directory.instances(service)) {
      const connection = this.#connectionFor(instance);
      if (!tried.has(instance.instanceId) && connection.available(now))
        candidates.push(connection.asCandidate(job));
    }
    return choosePeer(candidates)?.connection;
  }

  #recordFailure(connection: PeerConnection, failure: MeshError): void {
    if (failure.code === CallFailure.CLOSED) return;
    if (connection.recordFailure(Date.now())) {
      this.#metrics.ejections.inc({ service_name: connection.record.service, reason: "failures" });
      this.#logger.warn("peer keeps failing: resting it", {
        peer: connection.record.instanceId,
        reason: failure.code,
      });
    }
  }

  /** The connection to an instance, opened on first need; its record is refreshed from the directory. */
  #connectionFor(instance: InstanceRecord): PeerConnection {
    const existing = this.#connections.get(instance.instanceId);
    if (existing) {
      existing.record = instance;
      return existing;
    }
    const connection = new PeerConnection(
      instance,
      { onMalformed: this.#reportMalformed, zmtpHeartbeatMs: 1000 },
      (peer, state) => this.#onConnectionState(peer, state),
    );
    this.#connections.set(instance.instanceId, connection);
    return connection;
  }

  #onConnectionState(connection: PeerConnection, state: ConnectionState): void {
    if (state !== "down") return;
    this.#metrics.ejections.inc({ service_name: connection.record.service, reason: "disconnect" });
    this.#logger.info("peer connection dropped: not routing to it", { peer: connection.record.instanceId });
  }

  #onDirectoryDiff(diff: DirectoryDiff): void {
    for (const instance of diff.removed) {
      this.#connections.get(instance.instanceId)?.close();
      this.#connections.delete(instance.instanceId);
    }
    for (const instance of diff.added) {
      if (this.#wanted.has(instance.service)) this.#connectionFor(instance);
    }
    this.#metrics.directorySize.reset();
    for (const service of this.directory.services()) {
      this.#metrics.directorySize.set({ service_name: service }, this.directory.instances(service).length);
    }
  }
}
