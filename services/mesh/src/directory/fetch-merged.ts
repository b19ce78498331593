import { CallFailure, MeshError } from "../errors.js";
import type { InstanceRecord } from "../protocol/mod.js";
import type { DealerChannel } from "../transport/dealer-channel.js";
import { fetchDirectory } from "./fetch-directory.js";

/** How often a listing looks whether the mappers it still waits for are away. */
const AWAY_CHECK_MS = 50;
/** Least time the others get once one mapper has answered. */
const MIN_GRACE_MS = 200;

/**
 * Every mapper's directory (or one service's), merged: an instance any mapper lists, with its
 * freshest record (lowest `silentForMs`). Once one mapper has answered, a mapper whose channel
 * could not connect is not waited for, and the others get as long again as that answer took (at
 * least 200 ms): a frozen replica does not hold a listing up. Rejects, with the first mapper's
 * failure, only when none answers within `timeoutMs`.
 */
export async function fetchMerged(
  channels: readonly DealerChannel[],
  timeoutMs: number,
  service?: string,
): Promise<InstanceRecord[]> {
  const started = Date.now();
  let answeredAt: number | undefined;
  const givenUpOn = (channel: DealerChannel) => {
    if (answeredAt === undefined) return false;
    const grace = Math.max(MIN_GRACE_MS, answeredAt - started);
    return channel.away || Date.now() - answeredAt > grace;
  };
  const timers: NodeJS.Timeout[] = [];
  const listings = channels.map((channel) => {
    const fetched = fetchDirectory(channel, timeoutMs, service).then((directory) => {
      answeredAt ??= Date.now();
      return directory.instances;
    });
    const givenUp = new Promise<undefined>((resolve) => {
      const timer = setInterval(() => {
        if (givenUpOn(channel)) resolve(undefined);
      }, AWAY_CHECK_MS);
      timers.push(timer);
    });
    return Promise.race([fetched, givenUp]);
  });
  try {
    const settled = await Promise.allSettled(listings);
    const answers = settled.flatMap((result) =>
      result.status === "fulfilled" && result.value ? [result.value] : [],
    );
    if (answers.length === 0) {
      const failure = settled.find((result) => result.status === "rejected");
      throw failure?.reason ?? new MeshError(CallFailure.TIMEOUT, "no mapper address known yet");
    }
    return mergeListings(answers);
  } finally {
    for (const timer of timers) clearInterval(timer);
  }
}

/** The union of several listings, each instance with its freshest record. */
export function mergeListings(listings: readonly (readonly InstanceRecord[])[]): InstanceRecord[] {
  const freshest = new Map<string, InstanceRecord>();
  for (const listing of listings)
    for (const record of listing) {
      const key = `${record.service}\n${record.instanceId}`;
      const known = freshest.get(key);
      if (!known || record.silentForMs < known.silentForMs) freshest.set(key, record);
    }
  return [...freshest.values()].sort((a, b) =>
    a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0,
  );
}
