import type { InstanceRecord } from "../protocol/mod.js";

/**
 * Bytes of records per SNAPSHOT part and PEERS page: a quarter of the 1 MiB header limit, so a
 * directory of any size reaches every watcher in messages each of them accepts.
 */
export const DIRECTORY_PART_BYTES = 256 * 1024;

/** Splits records, in order, into groups whose JSON fits `maxBytes` (a lone larger record gets its own). */
export function splitByBytes(
  records: readonly InstanceRecord[],
  maxBytes = DIRECTORY_PART_BYTES,
): InstanceRecord[][] {
  const groups: InstanceRecord[][] = [];
  let start = 0;
  do {
    const end = endWithin(records, start, maxBytes);
    groups.push(records.slice(start, end));
    start = end;
  } while (start < records.length);
  return groups;
}

/** Where the run from `start` whose JSON fits `maxBytes` ends (exclusive); at least one record. */
function endWithin(records: readonly InstanceRecord[], start: number, maxBytes: number): number {
  let bytes = 0;
  let end = start;
  while (end < records.length) {
    bytes += Buffer.byteLength(JSON.stringify(records[end])) + 1;
    if (end > start && bytes > maxBytes) break;
    end++;
  }
  return end;
}

export interface PageRequest {
  /** Start after this instance id. */
  cursor?: string | undefined;
  limit?: number | undefined;
  maxBytes?: number;
}

/**
 * One page of the directory in instance id order, after `cursor`: an instance that registers or
 * leaves between pages never shifts the others, so paging neither skips nor repeats anyone.
 */
export function pageOf(
  records: readonly InstanceRecord[],
  request: PageRequest,
): { instances: InstanceRecord[]; next?: string } {
  const { cursor, limit = Number.POSITIVE_INFINITY, maxBytes = DIRECTORY_PART_BYTES } = request;
  const after = cursor === undefined ? [...records] : records.filter((r) => r.instanceId > cursor);
  after.sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
  const first = after.slice(0, endWithin(after.slice(0, limit), 0, maxBytes));
  const last = first[first.length - 1];
  return first.length < after.length && last
    ? { instances: first, next: last.instanceId }
    : { instances: first };
}
