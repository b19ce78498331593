import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { register as defaultMetricsRegistry, type Registry as MetricsRegistry } from "prom-client";
import { Router } from "zeromq";
import { MapperSet } from "../directory/mapper-set.js";
import { MeshMembership } from "../member/mesh-membership.js";
import { LogThrottle } from "../observability/log-throttle.js";
import { type Logger, silentLogger } from "../observability/logger.js";
import { malformedReporter } from "../observability/malformed.js";
import { workerMetrics } from "../observability/metrics.js";
import { PeerClient } from "../peer/peer-client.js";
import {
  type DecodeResult,
  decodeEach,
  ErrorCode,
  encodeError,
  idOf,
  type Load,
  type Message,
  type OutgoingFrames,
} from "../protocol/mod.js";
import { admitMembers, refusalReporter } from "../security/admit-members.js";
import { KeyProof } from "../security/key-proof.js";
import type { MeshKeys } from "../security/key-set.js";
import {
  clientSocketOptions,
  INSECURE,
  type MeshSecurity,
  serverSocketOptions,
} from "../security/mesh-security.js";
import { BatchWriter } from "../transport/batch-writer.js";
import { advertisedEndpoint, bindable, parseTcpEndpoint } from "../transport/endpoints.js";
import { receiveEach } from "../transport/receive-each.js";
import { SocketWriter } from "../transport/socket-writer.js";
import { settlesWithin } from "../util/settles-within.js";
import { JobServer } from "./job-server.js";
import type { JobContext, JobDefinition, JobRequest } from "./jobs.js";
import { RequestContext } from "./request-context.js";

export interface WorkerOptions {
  service: string;
  jobs: Record<string, JobDefinition>;
  /** The mapper's control endpoint (one of this and `mapperEndpoints` is needed). */
  mapperEndpoint?: string;
  /**
   * Every mapper replica (a DNS name stands for all its addresses, resolved again every few
   * heartbeats): the worker registers and heartbeats with each. Takes precedence over `mapperEndpoint`.
   */
  mapperEndpoints?: readonly string[];
  /** Where to listen for jobs; port 0 picks a free one. */
  bind?: string;
  /** Host that peers dial, when it differs from the bind address (containers, NAT). */
  advertiseHost?: string;
  /** Port of this instance's /metrics: published in the directory, on the advertised host, for discovery. */
  metricsPort?: number;
  instanceId?: string;
  heartbeatIntervalMs?: number;
  logger?: Logger;
  metrics?: MetricsRegistry;
  /**
   * CURVE with the key set (services' default): the job socket answers with this process's key and
   * admits members only, the mapper is dialled with its key, and every message to it carries proof
   * of who sends it. Plaintext by default.
   */
  security?: MeshSecurity;
}

export interface WorkerRuntime {
  service: string;
  instanceId: string;
  /** The job endpoint peers dial. */
  endpoint: string;
  /** Resolves once the mapper has acknowledged the first REGISTER. */
  registered: Promise<void>;
  load(): Load;
  /** The peer client this worker uses to call other workers (opened on first use). */
  peers(): PeerClient;
  /**
   * Graceful stop: refuse new jobs (BUSY, so callers go elsewhere), DEREGISTER, finish what is in
   * flight within `timeoutMs`, then close. Resolves true if everything finished in time.
   */
  drain(timeoutMs: number): Promise<boolean>;
}

/**
 * Serves `jobs` as one instance of `service`: binds a ROUTER for REQUESTs, registers with the mapper
 * and heartbeats its load. Each job type has a bounded queue; past it the worker answers BUSY.
 *
 * @example
 * const worker = await startWorker({
 *   service: "echo",
 *   mapperEndpoint: "tcp://127.0.0.1:5555",
 *   jobs: { echo: { concurrency: 8, queueCapacity: 64, run: (request) => request } },
 * });
 * await worker.registered;
 * // ... on SIGTERM:
 * await worker.drain(10_000);
 */
export async function startWorker(options: WorkerOptions): Promise<WorkerRuntime> {
  const { service } = options;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 1000;
  const instanceId =
    options.instanceId ?? `${service}-${hostname()}-${process.pid}-${randomBytes(2).toString("hex")}`;
  const logger = options.logger ?? silentLogger();
  const registry = options.metrics ?? defaultMetricsRegistry;
  const metrics = workerMetrics(registry);
  const reportMalformed = malformedReporter("worker", logger, registry);
  const security = options.security ?? INSECURE;
  const curve = "curve" in security ? security.curve : undefined;
  // Every mapper replica holds the key set's one mapper key: one server key for all of them.
  const mappers = new MapperSet({
    endpoints: options.mapperEndpoints ?? (options.mapperEndpoint ? [options.mapperEndpoint] : []),
    onMalformed: reportMalformed,
    secured: curve ? clientSocketOptions(security, curve.mapperPublicKey) : {},
    logger,
    resolveEveryMs: 3 * heartbeatIntervalMs,
  });

  let peerClient: PeerClient | undefined;
  const peers = () => {
    peerClient ??= new PeerClient({ mappers, logger, metrics: registry, security });
    return peerClient;
  };
  const contextFor = (request: JobRequest, deadline: number): JobContext =>
    new RequestContext(request, deadline, logger, peers);
  const server = new JobServer({ service, jobs: options.jobs, metrics, logger, contextFor });

  // Replies may still be flushing when we close after a drain: give them a moment.
  const withdrawKeys = await admitMembers(security, refusalReporter(logger, registry));
  const router = new Router({
    linger: 1000,
    maxMessageSize: 32 << 20,
    receiveHighWaterMark: 10_000,
    // A ROUTER drops what it cannot route rather than wait; at 0 zeromq.js also skips its poll before each send.
    sendTimeout: 0,
    ...serverSocketOptions(security),
  });
  await router.bind(bindable(options.bind ?? "tcp://127.0.0.1:0"));
  const endpoint = advertisedEndpoint(router.lastEndpoint as string, options.advertiseHost);
  const replies = new BatchWriter(
    new SocketWriter(router, (error) => logger.debug("reply not sent", { error: String(error) })),
  );

  const throttle = new LogThrottle({ linesPerWindow: 5 });
  /** Takes one message; a throw while taking it costs that message an ERROR, never the loop. */
  const take = (decoded: DecodeResult, reply: (answer: OutgoingFrames) => void) => {
    let message: Message | undefined;
    try {
      if (!decoded.ok) {
        reportMalformed(decoded);
        return reply(encodeError(decoded.code, decoded.reason, decoded.id));
      }
      message = decoded.message;
      if (message.type === "REQUEST") return server.handle(message, reply);
      const reason = `a worker takes REQUEST, not ${message.type}`;
      reply(encodeError(ErrorCode.UNEXPECTED_TYPE, reason, idOf(message)));
    } catch (error) {
      const type = message?.type ?? "undecoded";
      metrics.answerFailures.inc({ type });
      throttle.log("answer failed", (heldBack) =>
        logger.error("failed to answer a message", { type, error: String(error), heldBack }),
      );
      reply(encodeError(ErrorCode.INTERNAL, `the worker failed to take ${type}`, message && idOf(message)));
    }
  };
  const serving = receiveEach(router, (frames) => {
    const identity = frames[0] as Buffer;
    const reply = (answer: OutgoingFrames) => replies.post(answer, undefined, identity);
    decodeEach(frames.slice(1), (decoded) => take(decoded, reply));
  }).catch((error: unknown) => logger.error("job socket loop failed", { error: String(error) }));

  // Join the directory only once the job threads have started: callers should not wait on our start-up.
  await server.ready();
  const membership = new MeshMembership({
    mappers,
    identity: {
      service,
      instanceId,
      endpoint,
      ...metricsAddressOf(endpoint, options.metricsPort),
      ...(curve ? { publicKey: curve.own.publicKey } : {}),
    },
    ...(curve ? { prove: proverFor(curve) } : {}),
    load: () => server.load(),
    heartbeatIntervalMs,
    logger,
    counters: metrics,
  });
  const registered = membership.start();
  logger.info("worker listening", { endpoint, jobs: Object.keys(options.jobs) });

  return {
    service,
    instanceId,
    endpoint,
    registered,
    load: () => server.load(),
    peers,
    async drain(timeoutMs) {
      server.drain();
      const { inFlight, queued } = server.load();
      logger.info("draining", { inFlight, queued });
      await membership.stop();
      const finished = await settlesWithin(server.idle(), timeoutMs);
      if (!finished) logger.warn("drain deadline passed with jobs unfinished", { load: server.load() });
      withdrawKeys();
      await replies.drained();
      router.close();
      await serving;
      await server.close();
      peerClient?.close();
      mappers.close();
      return finished;
    },
  };
}

/** The metrics address published in the directory: the advertised job host, so Prometheus can reach it. */
function metricsAddressOf(endpoint: string, port: number | undefined): { metricsAddress?: string } {
  const host = parseTcpEndpoint(endpoint)?.host;
  return port && host ? { metricsAddress: `${host}:${port}` } : {};
}

/** Signs what this member tells the mapper, with the secret it shares with the mapper's key. */
function proverFor(keys: MeshKeys): (text: string) => string {
  const proof = new KeyProof(keys.own);
  return (text) => proof.sign(keys.mapperPublicKey, text);
}
