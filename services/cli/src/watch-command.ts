import { MapperClient } from "@zmesh/mesh";
import { CliFailure } from "./cli-errors.js";
import type { Flags } from "./command-line.js";
import { changeLine } from "./format.js";
import { listing } from "./ls-command.js";
import { fromMapper, MAPPER_ANSWER_MS, type MapperTarget, mapperNamed } from "./mapper-answer.js";

/** How long the first event may take once the mapper has answered (it publishes every heartbeat). */
const EVENTS_WITHIN_MS = 10_000;

/**
 * `zmesh watch`: the directory, then every change as it happens, until Ctrl-C. A mapper that does
 * not answer, or whose events do not arrive, is named as such instead of a silent wait.
 */
export async function watch(mapper: MapperTarget, flags: Flags): Promise<void> {
  const client = new MapperClient(mapper.endpoints, mapper.security);
  process.on("SIGINT", () => {
    client.close();
    process.exit(0);
  });
  try {
    // Asking once first tells a silent mapper (fast) from events that do not reach us (slower).
    await fromMapper(mapper, client.list(undefined, MAPPER_ANSWER_MS));
    const { directory, ready } = client.watch((change) => {
      process.stdout.write(
        flags.json
          ? `${JSON.stringify({ at: new Date().toISOString(), ...change })}\n`
          : changeLine(change, new Date()),
      );
    });
    await eventsWithin(ready, mapperNamed(mapper));
    const instances = directory.all();
    process.stdout.write(
      flags.json
        ? `${JSON.stringify({ at: new Date().toISOString(), kind: "watching", instances })}\n`
        : listing(instances, flags),
    );
  } catch (error) {
    client.close();
    throw error;
  }
}

async function eventsWithin(subscribed: Promise<void>, mapperName: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new CliFailure(
            `${mapperName} answers, but none of its events arrived within ${EVENTS_WITHIN_MS / 1000} s`,
            ["Its events socket (MAPPER_EVENTS_BIND, port 5556 by default) must be reachable from here too."],
          ),
        ),
      EVENTS_WITHIN_MS,
    );
  });
  try {
    await Promise.race([subscribed, late]);
  } finally {
    clearTimeout(timer);
  }
}
