import { type InstanceRecord, MapperClient } from "@zmesh/mesh";
import type { Flags } from "./command-line.js";
import { directoryView, instanceTable } from "./format.js";
import { fromMapper, MAPPER_ANSWER_MS, type MapperTarget } from "./mapper-answer.js";

/**
 * `zmesh ls`: the directory once, as a table (a summary when large) or as JSON; with several mapper
 * replicas, their directories merged (an instance any of them lists, with its freshest record).
 */
export async function ls(mapper: MapperTarget, flags: Flags): Promise<void> {
  const client = new MapperClient(mapper.endpoints, mapper.security);
  try {
    const instances = await fromMapper(mapper, client.list(flags.service, MAPPER_ANSWER_MS));
    process.stdout.write(flags.json ? `${JSON.stringify(instances, null, 2)}\n` : listing(instances, flags));
  } finally {
    client.close();
  }
}

/** The directory for a terminal: every instance with --all, else a summary past a screenful. */
export function listing(instances: readonly InstanceRecord[], flags: Flags): string {
  return flags.all ? instanceTable(instances) : directoryView(instances);
}
