import type { HealthState } from "../protocol/mod.js";

export interface Candidate {
  instanceId: string;
  state: HealthState;
  /** Load of the job type wanted, as the instance last reported it (heartbeat or BUSY reply). */
  utilization: number;
  capacity: number;
  /** Requests this caller has outstanding on the instance: fresher than any report. */
  inFlight: number;
  /** How long the instance has lately taken for the job, as this caller measured it (ms); absent when not known lately. */
  latencyMs?: number;
}

/** How much slower one instance must be than another before latency, not load, decides between them. */
const LATENCY_RATIO = 2;
/**
 * And by how many ms at least: between two quick instances (0.4 and 0.9 ms, say) the gap is timer and
 * scheduling noise, and taking the "faster" would send it everything and starve an equal instance.
 */
const LATENCY_GAP_MS = 1;

/** Preference tiers: first instances with room for the job, then full ones, then those whose heartbeats are late. */
const TIERS: readonly ((candidate: Candidate) => boolean)[] = [
  (candidate) => candidate.state !== "critical" && candidate.utilization < 1,
  (candidate) => candidate.state !== "critical",
  () => true,
];

/** Lower is better: what the instance reported plus what we have sent it since. */
export function score(candidate: Candidate): number {
  return candidate.utilization + candidate.inFlight / Math.max(candidate.capacity, 1);
}

/**
 * Power of two choices: sample two candidates at random and take the less loaded, or the clearly
 * faster (as this caller measured them). Close to least-loaded without herding every caller onto
 * the same instance between load reports.
 * Instances full for this job type, and overdue (critical) ones, are used only when no better one exists.
 */
export function choosePeer<C extends Candidate>(
  candidates: readonly C[],
  random: () => number = Math.random,
): C | undefined {
  // The last tier takes anyone: a lone candidate is the choice whatever its tier.
  if (candidates.length <= 1) return candidates[0];
  for (const eligible of TIERS) {
    const pool = candidates.filter(eligible);
    if (pool.length > 0) return pickOfTwo(pool, random);
  }
  return undefined;
}

function pickOfTwo<C extends Candidate>(pool: readonly C[], random: () => number): C {
  const firstIndex = Math.floor(random() * pool.length);
  const first = pool[firstIndex] as C;
  if (pool.length === 1) return first;
  // A second, distinct index drawn uniformly from the others.
  let secondIndex = Math.floor(random() * (pool.length - 1));
  if (secondIndex >= firstIndex) secondIndex++;
  const second = pool[secondIndex] as C;
  // Of two instances far apart in speed, the faster: the slower one would set the caller's tail. A
  // queue building on the faster one shows in its latency and brings the two within the ratio again.
  // Within it, the estimates' noise must not herd every call onto whichever measured a little faster.
  return clearlyFaster(first, second) ?? (score(second) < score(first) ? second : first);
}

/** The faster of two instances whose latencies are both known, at least LATENCY_RATIO and LATENCY_GAP_MS apart. */
function clearlyFaster<C extends Candidate>(first: C, second: C): C | undefined {
  const a = first.latencyMs;
  const b = second.latencyMs;
  if (a === undefined || b === undefined || Math.abs(a - b) < LATENCY_GAP_MS) return undefined;
  if (b >= LATENCY_RATIO * a) return first;
  if (a >= LATENCY_RATIO * b) return second;
  return undefined;
}
