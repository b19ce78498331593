import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { register as defaultMetricsRegistry, type Registry as MetricsRegistry } from "prom-client";
import { Router } from "zeromq";
import { Membership } from "../member/membership.js";
import { type Logger, silentLogger } from "../observability/logger.js";
import { malformedReporter } from "../observability/malformed.js";
import { workerMetrics } from "../observability/metrics.js";
import { PeerClient } from "../peer/peer-client.js";
import { decode, ErrorCode, encode, encodeError, idOf, type Load, type MessageOf } from "../protocol/mod.js";
import { DealerChannel } from "../transport/dealer-channel.js";
import { advertisedEndpoint, bindable } from "../transport/endpoints.js";
import { SocketWriter } from "../transport/socket-writer.js";
import { BoundedJobQueue } from "./job-queue.js";
import type { JobContext, JobDefinition, JobHandler, JobRequest } from "./jobs.js";
import { LoadTracker } from "./load-tracker.js";
import { ThreadPool } from "./thread-pool.js";

export interface WorkerOptions {
  service: string;
  jobs: Record<string, JobDefinition>;
  mapperEndpoint: string;
  /** Where to listen for jobs; port 0 picks a free one. */
  bind?: string;
  /** Host that peers dial, when it differs from the bind address (containers, NAT). */
  advertiseHost?: string;
  /** host:port of this instance's /metrics, published in the directory for Prometheus discovery. */
  metricsAddress?: string;
  instanceId?: string;
  heartbeatIntervalMs?: number;
  logger?: Logger;
  metrics?: MetricsRegistry;
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

interface ServedJob {
  queue: BoundedJobQueue;
  run: JobHandler;
  pool?: ThreadPool;
}

export async function startWorker(options: WorkerOptions): Promise<WorkerRuntime> {
  const { service, mapperEndpoint } = options;
  const instanceId =
    options.instanceId ?? `${service}-${hostname()}-${process.pid}-${randomBytes(2).toString("hex")}`;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 1000;
  const logger = options.logger ?? silentLogger();
  const registry = options.metrics ?? defaultMetricsRegistry;
  const metrics = workerMetrics(registry);
  const reportMalformed = malformedReporter("worker", logger, registry);

  const jobs = new Map<string, ServedJob>(
    Object.entries(options.jobs).map(([name, def]) => [name, serve(def)]),
  );
  const loadTracker = new LoadTracker(new Map([...jobs].map(([name, job]) => [name, job.queue])));
  const load = () => {
    const current = loadTracker.current();
    metrics.load.set(current.utilization);
    for (const [name, job] of jobs) {
      metrics.queueDepth.set({ job: name }, job.queue.queued);
      metrics.inFlight.set({ job: name }, job.queue.inFlight);
    }
    return current;
  };

  // Replies may still be flushing when we close after a drain: give them a moment.
  const router = new Router({ linger: 1000, maxMessageSize: 32 << 20, receiveHighWaterMark: 10_000 });
  await router.bind(bindable(options.bind ?? "tcp://127.0.0.1:0"));
  const endpoint = advertisedEndpoint(router.lastEndpoint as string, options.advertiseHost);
  const replies = new SocketWriter(router, (error) =>
    logger.debug("reply not sent", { error: String(error) }),
  );

  const control = new DealerChannel(mapperEndpoint, { onMalformed: reportMalformed });
  const membership = new Membership({
    control,
    identity: {
      service,
      instanceId,
      endpoint,
      ...(options.metricsAddress ? { metricsAddress: options.metricsAddress } : {}),
    },
    load,
    heartbeatIntervalMs,
    logger,
    counters: metrics,
  });
  let peerClient: PeerClient | undefined;
  const peers = () => {
    peerClient ??= new PeerClient({ mapperEndpoint, control, logger, metrics: registry });
    return peerClient;
  };
  let draining = false;

  const contextFor = (request: JobRequest, deadline: number): JobContext => ({
    traceId: request.traceId,
    deadline,
    get logger() {
      return logger.child({ traceId: request.traceId, job: request.job });
    },
    call: (target, job, payload, callOptions = {}) =>
      peers().call(target, job, payload, {
        traceId: request.traceId,
        timeoutMs: Math.max(1, deadline - Date.now()),
        ...callOptions,
      }),
  });

  const accept = (identity: Buffer, message: MessageOf<"REQUEST">) => {
    const { id, job: jobName, timeoutMs, traceId, contentType } = message.header;
    const reply = (frames: Buffer[]) => replies.post([identity, ...frames]);
    const job = jobs.get(jobName);
    if (message.header.service !== service) {
      return reply(
        encodeError(ErrorCode.WRONG_SERVICE, `this is ${service}, not ${message.header.service}`, id),
      );
    }
    if (!job) {
      metrics.jobs.inc({ job: "unknown", outcome: "unknown_job" });
      return reply(encodeError(ErrorCode.UNKNOWN_JOB, `${service} has no job ${jobName}`, id));
    }
    const arrivedAt = performance.now();
    const deadline = Date.now() + timeoutMs;
    const request: JobRequest = {
      job: jobName,
      payload: message.payload ?? new Uint8Array(0),
      contentType,
      traceId,
    };
    const finish = (outcome: string, frames: Buffer[]) => {
      const seconds = (performance.now() - arrivedAt) / 1000;
      metrics.jobs.inc({ job: jobName, outcome });
      metrics.jobDuration.observe({ job: jobName }, seconds);
      loadTracker.recordLatency(seconds * 1000);
      reply(frames);
    };
    const accepted =
      !draining &&
      job.queue.offer(async () => {
        if (Date.now() >= deadline) {
          return finish(
            "deadline",
            encodeError(ErrorCode.DEADLINE_EXCEEDED, "deadline passed while queued", id),
          );
        }
        try {
          const result = await job.run(request, contextFor(request, deadline));
          const durationMs = performance.now() - arrivedAt;
          finish("ok", encode("REPLY", { id, contentType: result.contentType, durationMs }, result.payload));
        } catch (error) {
          logger.warn("job failed", { traceId, job: jobName, error: String(error) });
          finish(
            "error",
            encodeError(ErrorCode.JOB_FAILED, String(error instanceof Error ? error.message : error), id),
          );
        }
      });
    if (!accepted) {
      metrics.jobs.inc({ job: jobName, outcome: "busy" });
      metrics.busy.inc({ job: jobName });
      reply(encode("BUSY", { id, load: load() }));
    }
  };

  const serveLoop = async () => {
    for await (const [identity, ...frames] of router) {
      const decoded = decode(frames);
      if (!decoded.ok) {
        reportMalformed(decoded);
        replies.post([identity as Buffer, ...encodeError(decoded.code, decoded.reason, decoded.id)]);
      } else if (decoded.message.type === "REQUEST") {
        accept(identity as Buffer, decoded.message);
      } else {
        const { type } = decoded.message;
        replies.post([
          identity as Buffer,
          ...encodeError(
            ErrorCode.UNEXPECTED_TYPE,
            `a worker takes REQUEST, not ${type}`,
            idOf(decoded.message),
          ),
        ]);
      }
    }
  };
  const serving = serveLoop().catch((error: unknown) =>
    logger.error("job socket loop failed", { error: String(error) }),
  );

  const registered = membership.start();
  logger.info("worker listening", { endpoint, jobs: [...jobs.keys()] });

  return {
    service,
    instanceId,
    endpoint,
    registered,
    load,
    peers,
    async drain(timeoutMs) {
      draining = true;
      logger.info("draining", { inFlight: load().inFlight, queued: load().queued });
      await membership.stop();
      const finished = await withTimeout(
        Promise.all([...jobs.values()].map((job) => job.queue.idle())),
        timeoutMs,
      );
      if (!finished) logger.warn("drain deadline passed with jobs unfinished", { load: load() });
      router.close();
      await serving;
      await Promise.all([...jobs.values()].map((job) => job.pool?.close()));
      peerClient?.close();
      control.close();
      return finished;
    },
  };
}

function serve(definition: JobDefinition): ServedJob {
  const queue = new BoundedJobQueue(definition.concurrency, definition.queueCapacity);
  if ("run" in definition) return { queue, run: definition.run };
  const pool = new ThreadPool(definition.threadModule, definition.concurrency);
  return { queue, pool, run: (request) => pool.run(request) };
}

async function withTimeout(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const done = work.then(() => true as const);
  const finished = await Promise.race([done, timedOut]);
  clearTimeout(timer);
  return finished;
}
