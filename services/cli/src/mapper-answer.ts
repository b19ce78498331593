import { MeshError } from "@zmesh/mesh";
import { CliFailure } from "./cli-errors.js";

/**
 * How long the mapper has to answer before a command says it does not: short enough that, with
 * node's own start, the user hears within 2 s; long enough for a mapper on another host.
 */
export const MAPPER_ANSWER_MS = 1000;

/** The failure for a mapper that did not answer, worded like kubectl's "connection refused" hint. */
export function mapperSilent(endpoint: string): CliFailure {
  return new CliFailure(`no answer from the mapper at ${endpoint} within ${MAPPER_ANSWER_MS / 1000} s`, [
    "Is a mapper running there? `make run` starts one on tcp://127.0.0.1:5555.",
    "MAPPER_ENDPOINT names the mapper to ask.",
  ]);
}

/** `answer`, or the mapper named as silent when it has not come within MAPPER_ANSWER_MS. */
export async function fromMapper<T>(endpoint: string, answer: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const silence = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(mapperSilent(endpoint)), MAPPER_ANSWER_MS);
  });
  try {
    return await Promise.race([answer, silence]);
  } catch (error) {
    // A request the mapper let time out is the same silence, whoever's timer fired first.
    if (error instanceof MeshError && error.code === "TIMEOUT") throw mapperSilent(endpoint);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
