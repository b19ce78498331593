/**
 * Deterministic subsetting: which instances of a service one caller keeps connections to, so
 * thousands of instances cost a bounded number of sockets. Members that still work are kept
 * (no churn while they serve); free places go to the other eligible instances in rendezvous-hash
 * order for this caller, so callers spread evenly over the instances. Pure.
 */
export function chooseSubset(
  eligible: readonly string[],
  current: ReadonlySet<string>,
  size: number,
  seed: string,
): Set<string> {
  const eligibleSet = new Set(eligible);
  const subset = new Set([...current].filter((id) => eligibleSet.has(id)));
  if (subset.size >= size) return new Set([...subset].slice(0, size));
  const ranked = eligible
    .filter((id) => !subset.has(id))
    .map((id) => ({ id, rank: hash(`${seed}/${id}`) }))
    .sort((a, b) => a.rank - b.rank);
  for (const { id } of ranked) {
    if (subset.size >= size) break;
    subset.add(id);
  }
  return subset;
}

/**
 * FNV-1a, 32 bits, then MurmurHash3's finaliser: FNV alone spreads names that differ only in their
 * last characters poorly. Cheap and even, for ranking, not for security.
 */
function hash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
