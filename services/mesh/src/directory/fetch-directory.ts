import { type Headers, type InstanceRecord, MAX_SNAPSHOT_PARTS } from "../protocol/mod.js";
import type { DealerChannel } from "../transport/dealer-channel.js";
import { MAX_DIRECTORY_INSTANCES } from "./directory-cache.js";

/** The whole directory, with where the mapper publishes its events (as its last PEERS page said). */
export type FetchedDirectory = Pick<
  Headers["PEERS"],
  "epoch" | "eventsPort" | "eventsEndpoint" | "instances"
> & {
  /** False when the directory ran past MAX_DIRECTORY_INSTANCES: paging stopped there. */
  complete: boolean;
};

/**
 * The mapper's whole directory (or one service's), page by page: each GET_PEERS continues after
 * the last page's `next`, so a directory of any size arrives in messages of bounded size. Each page
 * has its own deadline. A mapper that does not move forward, or restarts mid-way, is an error; past
 * MAX_DIRECTORY_INSTANCES instances paging stops, and what came so far is returned, marked incomplete.
 */
export async function fetchDirectory(
  control: DealerChannel,
  timeoutMs: number,
  service?: string,
): Promise<FetchedDirectory> {
  const instances: InstanceRecord[] = [];
  let cursor: string | undefined;
  let epoch: string | undefined;
  for (let page = 0; page < MAX_SNAPSHOT_PARTS; page++) {
    const request = { ...(service ? { service } : {}), ...(cursor ? { cursor } : {}) };
    const reply = await control.request("GET_PEERS", request, timeoutMs);
    if (reply.type !== "PEERS") throw new Error(`mapper answered ${reply.type}`);
    const { header } = reply;
    if (epoch !== undefined && header.epoch !== epoch) throw new Error("mapper restarted while paging");
    epoch = header.epoch;
    const room = MAX_DIRECTORY_INSTANCES - instances.length;
    const cut = header.instances.length > room;
    instances.push(...(cut ? header.instances.slice(0, room) : header.instances));
    if (header.next === undefined || instances.length >= MAX_DIRECTORY_INSTANCES) {
      const { eventsPort, eventsEndpoint } = header;
      return { epoch, eventsPort, eventsEndpoint, instances, complete: header.next === undefined && !cut };
    }
    if (cursor !== undefined && header.next <= cursor) throw new Error("mapper's next page goes backwards");
    cursor = header.next;
  }
  throw new Error(`directory longer than ${MAX_SNAPSHOT_PARTS} pages`);
}
