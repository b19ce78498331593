import { Counter, Gauge, Histogram, type Registry } from "prom-client";

// Metric groups, created once per registry (a process may host a worker and a peer client,
// and both count malformed messages). Names follow Prometheus conventions with a zmesh_ prefix.

const LATENCY_BUCKETS = [0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

function group<T>(build: (registry: Registry) => T): (registry: Registry) => T {
  const cache = new WeakMap<Registry, T>();
  return (registry) => {
    let metrics = cache.get(registry);
    if (metrics === undefined) {
      metrics = build(registry);
      cache.set(registry, metrics);
    }
    return metrics;
  };
}

/** Counters of refused messages, for every socket of a process. */
export const protocolMetrics = group((registry) => ({
  malformed: new Counter({
    name: "zmesh_malformed_messages_total",
    help: "Messages refused because they were malformed, oversized, of an unknown type or version.",
    labelNames: ["socket", "reason"],
    registers: [registry],
  }),
}));

/** Who may talk to this process: plaintext or CURVE, and every refusal. */
export const securityMetrics = group((registry) => ({
  insecure: new Gauge({
    name: "zmesh_insecure",
    help: "1 when this process runs without CURVE (ZMESH_INSECURE=1): its sockets admit anyone.",
    registers: [registry],
  }),
  authRefusals: new Counter({
    name: "zmesh_auth_refusals_total",
    help: "Connections and messages refused for who sent them (unknown_key, bad_proof, wrong_service, instance_taken, not_owner, key_limit).",
    labelNames: ["reason"],
    registers: [registry],
  }),
}));

/** The mapper's directory as Prometheus sees it. */
export const mapperMetrics = group((registry) => ({
  instances: new Gauge({
    name: "zmesh_registry_instances",
    help: "Instances in the directory, by service and health state.",
    labelNames: ["service_name", "state"],
    registers: [registry],
  }),
  instanceLoad: new Gauge({
    name: "zmesh_registry_instance_load_ratio",
    help: "Load last reported by each instance: (in flight + queued) / capacity.",
    labelNames: ["service_name", "instance_id"],
    registers: [registry],
  }),
  registrations: new Counter({
    name: "zmesh_registry_registrations_total",
    help: "REGISTER messages accepted.",
    labelNames: ["service_name"],
    registers: [registry],
  }),
  expiries: new Counter({
    name: "zmesh_registry_expiries_total",
    help: "Instances removed because their heartbeats stopped.",
    labelNames: ["service_name"],
    registers: [registry],
  }),
  refusals: new Counter({
    name: "zmesh_registry_refusals_total",
    help: "REGISTER messages refused although well-formed, by reason (directory_full).",
    labelNames: ["reason"],
    registers: [registry],
  }),
  answerFailures: new Counter({
    name: "zmesh_mapper_answer_failures_total",
    help: "Messages the mapper failed to answer normally (answered ERROR INTERNAL), by message type.",
    labelNames: ["type"],
    registers: [registry],
  }),
}));

/** A worker's load, jobs and membership. */
export const workerMetrics = group((registry) => ({
  load: new Gauge({
    name: "zmesh_worker_load_ratio",
    help: "This instance's load: (in flight + queued) / capacity.",
    registers: [registry],
  }),
  queueDepth: new Gauge({
    name: "zmesh_worker_queue_depth",
    help: "Jobs accepted and waiting for a slot, by job type.",
    labelNames: ["job"],
    registers: [registry],
  }),
  inFlight: new Gauge({
    name: "zmesh_worker_jobs_in_flight",
    help: "Jobs executing now, by job type.",
    labelNames: ["job"],
    registers: [registry],
  }),
  jobs: new Counter({
    name: "zmesh_worker_jobs_total",
    help: "Jobs received, by job type and outcome (ok, error, busy, deadline, unknown_job).",
    labelNames: ["job", "outcome"],
    registers: [registry],
  }),
  busy: new Counter({
    name: "zmesh_worker_busy_refusals_total",
    help: "Jobs refused with BUSY because the queue was full or the worker was draining.",
    labelNames: ["job"],
    registers: [registry],
  }),
  jobDuration: new Histogram({
    name: "zmesh_worker_job_duration_seconds",
    help: "Time from a job's arrival to its reply, queueing included.",
    labelNames: ["job"],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  answerFailures: new Counter({
    name: "zmesh_worker_answer_failures_total",
    help: "Messages the worker failed to take normally (answered ERROR INTERNAL), by message type.",
    labelNames: ["type"],
    registers: [registry],
  }),
  heartbeatFailures: new Counter({
    name: "zmesh_member_heartbeat_failures_total",
    help: "Heartbeats the mapper did not acknowledge in time.",
    registers: [registry],
  }),
  reregistrations: new Counter({
    name: "zmesh_member_reregistrations_total",
    help: "Times this member registered again because the mapper did not know it (mapper restart).",
    registers: [registry],
  }),
}));

/** A caller's calls, attempts and verdicts on the instances it uses. */
export const peerMetrics = group((registry) => ({
  requestDuration: new Histogram({
    name: "zmesh_peer_request_duration_seconds",
    help: "Duration of calls made through the peer client, retries included, by service, job and outcome.",
    labelNames: ["service_name", "job", "outcome"],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  retries: new Counter({
    name: "zmesh_peer_retries_total",
    help: "Attempts made again, or hedged, on another instance, by reason (busy, timeout, disconnected).",
    labelNames: ["service_name", "reason"],
    registers: [registry],
  }),
  ejections: new Counter({
    name: "zmesh_peer_ejections_total",
    help: "Instances this client stopped sending to before the mapper said so (disconnect, failures).",
    labelNames: ["service_name", "reason"],
    registers: [registry],
  }),
  overdue: new Counter({
    name: "zmesh_peer_overdue_total",
    help: "Attempts that passed their time budget unanswered: the instance left choice until it answered.",
    labelNames: ["service_name"],
    registers: [registry],
  }),
  unreachable: new Counter({
    name: "zmesh_peer_unreachable_total",
    help: "Instances set aside as unreachable: endpoint refused by ZeroMQ (invalid_endpoint), connection refused (connect_refused) or not up in time (connect_timeout).",
    labelNames: ["service_name", "reason"],
    registers: [registry],
  }),
  connections: new Gauge({
    name: "zmesh_peer_connections",
    help: "Connections this client keeps to instances of each service (bounded by its subset size).",
    labelNames: ["service_name"],
    registers: [registry],
  }),
  directorySize: new Gauge({
    name: "zmesh_peer_directory_instances",
    help: "Instances in this client's directory cache, by service.",
    labelNames: ["service_name"],
    registers: [registry],
  }),
}));
