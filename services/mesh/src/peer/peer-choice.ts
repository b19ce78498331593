import type { HealthState } from "../protocol/mod.js";

export interface Candidate {
  instanceId: string;
  state: HealthState;
  /** Load of the job type wanted, as the instance last reported it (heartbeat or BUSY reply). */
  utilization: number;
  capacity: number;
  /** Requests this caller has outstanding on the instance: fresher than any report. */
  inFlight: number;
}

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
 * Power of two choices: sample two candidates at random and take the less loaded. Close to
 * least-loaded without herding every caller onto the same instance between load reports.
 * Instances full for this job type, and overdue (critical) ones, are used only when no better one exists.
 */
export function choosePeer<C extends Candidate>(
  candidates: readonly C[],
  random: () => number = Math.random,
): C | undefined {
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
  return score(second) < score(first) ? second : first;
}
