import { MeshError, type MeshSecurity } from "@zmesh/mesh";
import { CliFailure } from "./cli-errors.js";

/**
 * How long the mapper has to answer before a command says it does not: short enough that, with
 * node's own start, the user hears within 2 s; long enough for a mapper on another host.
 */
export const MAPPER_ANSWER_MS = 1000;

/** The mapper(s) a command asks, and how they are reached. */
export interface MapperTarget {
  /** The endpoints as one line, for messages. */
  endpoint: string;
  /** Every mapper replica to ask (one unless MAPPER_ENDPOINTS lists several). */
  endpoints: readonly string[];
  security: MeshSecurity;
  /** Which key set is used, or why none is: said when the mapper does not answer. */
  keys: string;
}

/** The failure for a mapper that did not answer, worded like kubectl's "connection refused" hint. */
export function mapperSilent(mapper: MapperTarget): CliFailure {
  const { keys } = mapper;
  return new CliFailure(`no answer from ${mapperNamed(mapper)} within ${MAPPER_ANSWER_MS / 1000} s`, [
    "Is a mapper running there? `make run` starts one on tcp://127.0.0.1:5555.",
    "MAPPER_ENDPOINT names the mapper to ask (MAPPER_ENDPOINTS, several replicas).",
    `A mapper with CURVE answers only keys of its key set; this used: ${keys} (--keys DIR or ZMESH_KEYS names another).`,
  ]);
}

/** "the mapper at X", or "any of the mappers at X, Y" for replicas. */
export function mapperNamed({ endpoint, endpoints }: MapperTarget): string {
  return endpoints.length > 1 ? `any of the mappers at ${endpoint}` : `the mapper at ${endpoint}`;
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
