import { randomBytes } from "node:crypto";
import { register as defaultMetricsRegistry, type Registry as MetricsRegistry } from "prom-client";
import { Publisher, Router } from "zeromq";
import { LogThrottle } from "../observability/log-throttle.js";
import { type Logger, silentLogger } from "../observability/logger.js";
import { malformedReporter } from "../observability/malformed.js";
import { mapperMetrics } from "../observability/metrics.js";
import {
  type DirectoryChange,
  decode,
  ErrorCode,
  encode,
  encodeError,
  type InstanceRecord,
  idOf,
  type Message,
  type MessageOf,
} from "../protocol/mod.js";
import { admitMembers, refusalReporter } from "../security/admit-members.js";
import { INSECURE, type MeshSecurity, serverSocketOptions } from "../security/mesh-security.js";
import { bindable, eventsAddress } from "../transport/endpoints.js";
import { receiveEach } from "../transport/receive-each.js";
import { SocketWriter } from "../transport/socket-writer.js";
import { pageOf, splitByBytes } from "./directory-parts.js";
import { type AuthRefusal, MemberAuth } from "./member-auth.js";
import { type RegistryRefusal, ServiceRegistry } from "./registry.js";

export interface MapperOptions {
  /** Control endpoint (ROUTER): REGISTER, HEARTBEAT, DEREGISTER, GET_PEERS. */
  bind: string;
  /** Directory events endpoint (PUB): CHANGE as they happen, SNAPSHOT every heartbeat interval. */
  eventsBind: string;
  heartbeatIntervalMs?: number;
  expiryIntervals?: number;
  /** The most instances the directory holds (default 10,000); REGISTER past it gets DIRECTORY_FULL. */
  maxInstances?: number;
  /** The most instances one key may register (default 1,000), with CURVE: a flood from one member stops there. */
  maxInstancesPerKey?: number;
  /** CURVE on both sockets with a key set (services' default), or plaintext (the library's default). */
  security?: MeshSecurity;
  logger?: Logger;
  metrics?: MetricsRegistry;
}

/** A running mapper: where it listens, read-only views of its directory, and `close`. */
export interface MapperServer {
  /** Identifies this run of the mapper; it changes when the mapper restarts. */
  readonly epoch: string;
  /** The control endpoint actually bound (a `:0` or `:*` port resolved). */
  readonly endpoint: string;
  /** The events (PUB) endpoint actually bound. */
  readonly eventsEndpoint: string;
  /** The instances in the directory now, optionally of one service: copies, as GET_PEERS lists them. */
  instances(service?: string): InstanceRecord[];
  /** How many instances the directory holds. */
  readonly size: number;
  /** Stops the timers, closes both sockets and waits for the socket loop to end. */
  close(): Promise<void>;
}

/** The most instances one key may hold unless told otherwise (`MAPPER_MAX_INSTANCES_PER_KEY`). */
export const DEFAULT_MAX_INSTANCES_PER_KEY = 1000;

/** What a FORBIDDEN answer says, by reason. */
const FORBIDDEN_BECAUSE: Record<AuthRefusal | Exclude<RegistryRefusal, "directory_full">, string> = {
  unknown_key: "this key is not in the mesh's key set",
  bad_proof: "no valid proof of holding the key",
  wrong_service: "this key may not register that service",
  not_owner: "this instance was registered by another key",
  instance_taken: "this instance id is held by another key",
  key_limit: "this key holds its maximum number of instances",
};

/** An answer's frames: a Buffer header from `encode`, or text from `encodeError`. */
type Answer = (string | Buffer)[];

/** How many heartbeat intervals a restarted mapper waits for members to re-register. */
const WARM_UP_INTERVALS = 2;
/** Log lines of each kind (registered, expired, refused...) per 10 s: all of a small mesh, not a flood. */
const LINES_PER_KIND = 20;
/** The most instances a mapper holds unless told otherwise (`MAPPER_MAX_INSTANCES`). */
export const DEFAULT_MAX_INSTANCES = 10_000;

/**
 * Starts a mapper: binds its control (ROUTER) and events (PUB) sockets, then answers REGISTER,
 * HEARTBEAT, DEREGISTER and GET_PEERS, expires silent instances and publishes every change and a
 * snapshot each heartbeat interval. Resolves once both sockets are bound; rejects if a bind fails
 * (an address in use, for example).
 *
 * @example
 * const mapper = await startMapper({ bind: "tcp://127.0.0.1:0", eventsBind: "tcp://127.0.0.1:0" });
 * const client = new PeerClient({ mapperEndpoint: mapper.endpoint });
 * // ...
 * await mapper.close();
 */
export async function startMapper(options: MapperOptions): Promise<MapperServer> {
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 1000;
  const expiryIntervals = options.expiryIntervals ?? 3;
  const logger = options.logger ?? silentLogger();
  const metricsRegistry = options.metrics ?? defaultMetricsRegistry;
  const metrics = mapperMetrics(metricsRegistry);
  const reportMalformed = malformedReporter("mapper", logger, metricsRegistry);
  const throttle = new LogThrottle({ linesPerWindow: LINES_PER_KIND });
  const maxInstances = options.maxInstances ?? DEFAULT_MAX_INSTANCES;
  const maxInstancesPerKey = options.maxInstancesPerKey ?? DEFAULT_MAX_INSTANCES_PER_KEY;
  const registry = new ServiceRegistry({
    heartbeatIntervalMs,
    expiryIntervals,
    maxInstances,
    maxInstancesPerKey,
  });
  const security = options.security ?? INSECURE;
  const auth = "curve" in security ? new MemberAuth(security.curve) : undefined;
  const reportRefusal = refusalReporter(logger, metricsRegistry);
  const epoch = `${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  const startedAt = Date.now();
  let seq = 0;

  const withdrawKeys = await admitMembers(security, reportRefusal);
  const secured = serverSocketOptions(security);
  const router = new Router({ linger: 0, maxMessageSize: 2 << 20, sendHighWaterMark: 10_000, ...secured });
  const publisher = new Publisher({ linger: 0, sendHighWaterMark: 10_000, ...secured });
  await router.bind(bindable(options.bind));
  await publisher.bind(bindable(options.eventsBind));
  const endpoint = router.lastEndpoint as string;
  const eventsEndpoint = publisher.lastEndpoint as string;
  const eventsAt = eventsAddress(eventsEndpoint);
  const logError = (error: unknown) => logger.debug("send failed", { error: String(error) });
  const replies = new SocketWriter(router, logError);
  const events = new SocketWriter(publisher, logError);

  const publish = (changes: DirectoryChange[]) => {
    for (const change of changes) {
      events.post(encode("CHANGE", { epoch, seq: seq++, kind: change.kind, instance: change.instance }));
      if (change.kind === "registered" || change.kind === "deregistered" || change.kind === "expired") {
        throttle.log(change.kind, (heldBack) =>
          logger.info(`instance ${change.kind}`, {
            member: change.instance.instanceId,
            memberService: change.instance.service,
            endpoint: change.instance.endpoint,
            heldBack,
          }),
        );
      }
      if (change.kind === "expired") metrics.expiries.inc({ service_name: change.instance.service });
    }
  };

  /** The mapper's answer to one valid message; registry changes are published on the way. */
  const answer = (message: Message): Answer => {
    const now = Date.now();
    switch (message.type) {
      case "REGISTER": {
        const refusal = auth?.checkRegister(message.header);
        if (refusal) return forbid(refusal, message.header);
        const registered = registry.register(message.header, now);
        if (!registered.admitted) {
          if (registered.refusal === "directory_full") return refuseFull(message.header);
          return forbid(registered.refusal, message.header);
        }
        metrics.registrations.inc({ service_name: message.header.service });
        publish(registered.changes);
        return encode("ACK", { id: message.header.id, epoch });
      }
      case "HEARTBEAT": {
        const refusal = ownerRefusal(message);
        if (refusal) return forbid(refusal, message.header);
        const { known, changes } = registry.heartbeat(message.header.instanceId, message.header.load, now);
        publish(changes);
        if (known) return encode("ACK", { id: message.header.id, epoch });
        const reason = `instance ${message.header.instanceId} is not registered with mapper ${epoch}`;
        return encodeError(ErrorCode.UNKNOWN_INSTANCE, reason, message.header.id);
      }
      case "DEREGISTER": {
        const refusal = ownerRefusal(message);
        if (refusal) return forbid(refusal, message.header);
        publish(registry.deregister(message.header.instanceId, now));
        return encode("ACK", { id: message.header.id, epoch });
      }
      case "GET_PEERS": {
        const { id, service, cursor, limit } = message.header;
        const page = pageOf(registry.list(now, service), { cursor, limit });
        return encode("PEERS", { id, epoch, ...eventsAt, ...page });
      }
      default:
        return encodeError(
          ErrorCode.UNEXPECTED_TYPE,
          `the mapper does not take ${message.type}`,
          idOf(message),
        );
    }
  };

  /** With CURVE, a HEARTBEAT or DEREGISTER of a known instance must come from the key that registered it. */
  const ownerRefusal = (message: MessageOf<"HEARTBEAT"> | MessageOf<"DEREGISTER">) => {
    const { instanceId } = message.header;
    if (auth === undefined || !registry.has(instanceId)) return undefined;
    return auth.checkOwner(message.type, message.header, registry.keyOf(instanceId));
  };

  const forbid = (
    reason: AuthRefusal | Exclude<RegistryRefusal, "directory_full">,
    request: { id: number; instanceId: string; service?: string },
  ): Answer => {
    reportRefusal(reason, { member: request.instanceId, memberService: request.service });
    return encodeError(ErrorCode.FORBIDDEN, FORBIDDEN_BECAUSE[reason], request.id);
  };

  const refuseFull = (request: { id: number; instanceId: string; service: string }): Answer => {
    metrics.refusals.inc({ reason: "directory_full" });
    throttle.log("refused: directory full", (heldBack) =>
      logger.warn("registration refused: directory full", {
        member: request.instanceId,
        memberService: request.service,
        maxInstances,
        heldBack,
      }),
    );
    return encodeError(
      ErrorCode.DIRECTORY_FULL,
      `the directory holds its maximum of ${maxInstances} instances`,
      request.id,
    );
  };

  /** Answers one message; a failure while answering costs that message an ERROR, never the loop. */
  const answerSafely = (frames: Buffer[]): Answer => {
    const decoded = decode(frames);
    if (!decoded.ok) {
      reportMalformed(decoded);
      return encodeError(decoded.code, decoded.reason, decoded.id);
    }
    try {
      return answer(decoded.message);
    } catch (error) {
      metrics.answerFailures.inc({ type: decoded.message.type });
      throttle.log("answer failed", (heldBack) =>
        logger.error("failed to answer a message", {
          type: decoded.message.type,
          error: String(error),
          heldBack,
        }),
      );
      return encodeError(
        ErrorCode.INTERNAL,
        `the mapper failed to answer ${decoded.message.type}`,
        idOf(decoded.message),
      );
    }
  };

  const serving = receiveEach(router, (frames) => {
    replies.post([frames[0] as Buffer, ...answerSafely(frames.slice(1))]);
  }).catch((error: unknown) => logger.error("mapper socket loop failed", { error: String(error) }));

  const updateGauges = (instances: readonly InstanceRecord[]) => {
    metrics.instances.reset();
    metrics.instanceLoad.reset();
    for (const instance of instances) {
      metrics.instances.inc({ service_name: instance.service, state: instance.state });
      metrics.instanceLoad.set(
        { service_name: instance.service, instance_id: instance.instanceId },
        instance.load.utilization,
      );
    }
  };
  // A large directory goes out in parts, back to back (no CHANGE between them). While warming up
  // every part is just a partial snapshot; after that the parts together are the whole directory.
  const snapshot = () => {
    const now = Date.now();
    const warmingUp = now - startedAt < WARM_UP_INTERVALS * heartbeatIntervalMs;
    const directory = registry.list(now);
    const groups = splitByBytes(directory);
    const snapshotSeq = seq++;
    groups.forEach((instances, part) => {
      const header =
        groups.length === 1 || warmingUp
          ? { epoch, seq: snapshotSeq, partial: warmingUp, instances }
          : { epoch, seq: snapshotSeq, partial: true, instances, part, parts: groups.length };
      events.post(encode("SNAPSHOT", header));
    });
    updateGauges(directory);
  };
  // Sweep often so expiry lands close to its deadline (3 intervals), not up to a whole interval late.
  /** A periodic task whose failure is logged (throttled) and retried on the next tick, never fatal. */
  const every = (ms: number, what: string, task: () => void) =>
    setInterval(() => {
      try {
        task();
      } catch (error) {
        throttle.log(`${what} failed`, (heldBack) =>
          logger.error(`mapper ${what} failed`, { error: String(error), heldBack }),
        );
      }
    }, ms);
  const sweepTimer = every(Math.min(100, heartbeatIntervalMs / 4), "sweep", () =>
    publish(registry.sweep(Date.now())),
  );
  const snapshotTimer = every(heartbeatIntervalMs, "snapshot", snapshot);
  updateGauges(registry.list(Date.now()));
  logger.info("mapper listening", {
    endpoint,
    eventsEndpoint,
    epoch,
    heartbeatIntervalMs,
    expiryIntervals,
    maxInstances,
  });

  return {
    epoch,
    endpoint,
    eventsEndpoint,
    instances: (service) => registry.list(Date.now(), service),
    get size() {
      return registry.size;
    },
    async close() {
      clearInterval(sweepTimer);
      clearInterval(snapshotTimer);
      withdrawKeys();
      router.close();
      publisher.close();
      await serving;
    },
  };
}
