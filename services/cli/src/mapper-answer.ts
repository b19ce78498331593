import { MeshError, type MeshSecurity } from "@zmesh/mesh";
import { CliFailure } from "./cli-errors.js";

/**
 * How long the mapper has to answer before a command says it does not: short enough that, with
 * node's own start, the user hears within 2 s; long enough for a mapper on another host.
 */
export const MAPPER_ANSWER_MS = 1000;

/** The mapper a command asks, and how it is reached. */
export interface MapperTarget {
  endpoint: string;
  security: MeshSecurity;
  /** Which key set is used, or why none is: said when the mapper does not answer. */
  keys: string;
}

/** The failure for a mapper that did not answer, worded like kubectl's "connection refused" hint. */
export function mapperSilent({ endpoint, keys }: MapperTarget): CliFailure {
  return new CliFailure(`no answer from the mapper at ${endpoint} within ${MAPPER_ANSWER_MS / 1000} s`, [
    "Is a mapper running there? `make run` starts one on tcp://127.0.0.1:5555.",
    "MAPPER_ENDPOINT names the mapper to ask.",
    `A mapper with CURVE answers only keys of its key set; this used: ${keys} (--keys DIR or ZMESH_KEYS names another).`,
  ]);
}

/** `answer`, or the mapper named as silent when it has not come within MAPPER_ANSWER_MS. */
export async function fromMapper<T>(mapper: MapperTarget, answer: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const silence = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(mapperSilent(mapper)), MAPPER_ANSWER_MS);
  });
  try {
    return await Promise.race([answer, silence]);
  } catch (error) {
    // A request the mapper let time out is the same silence, whoever's timer fired first.
    if (error instanceof MeshError && error.code === "TIMEOUT") throw mapperSilent(mapper);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
