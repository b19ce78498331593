import { MeshError, PeerClient } from "@zmesh/mesh";
import { CliFailure, UsageError } from "./cli-errors.js";
import type { Flags } from "./command-line.js";
import { fromMapper, type MapperTarget, mapperNamed } from "./mapper-answer.js";
import { writeReply } from "./reply-output.js";

const MAX_TIMEOUT_MS = 600_000;

/**
 * `zmesh call <service> <job> [JSON]`: one job through the mesh, as a worker would send it. The
 * mapper is asked first, so a silent mapper or a service nobody serves is named as such rather
 * than blamed on a worker.
 */
export async function call(mapper: MapperTarget, args: readonly string[], flags: Flags): Promise<void> {
  const [service, job, body] = args;
  if (!service || !job) throw new UsageError("needs <service> <job>", "call");
  const timeoutMs = timeoutOf(flags.timeout);
  const payload = jsonPayload(body);
  const client = new PeerClient({
    mapperEndpoints: mapper.endpoints,
    defaultTimeoutMs: timeoutMs,
    security: mapper.security,
  });
  try {
    await fromMapper(mapper, client.ready);
    const instances = client.directory.count(service);
    if (instances === 0)
      throw new CliFailure(`no instance of ${service} is registered with ${mapperNamed(mapper)}`, [
        "`zmesh ls` lists the services that are.",
      ]);
    const reply = await client
      .call(service, job, payload, { contentType: "application/json" })
      .catch((error: unknown) => {
        throw explained(error, { service, job, instances, timeoutMs });
      });
    await writeReply({ service, job, ...reply }, flags.out, process.stdout.isTTY === true);
  } finally {
    client.close();
  }
}

function timeoutOf(value: string | undefined): number {
  if (value === undefined) return 5000;
  const ms = Number(value);
  if (!/^\d+$/.test(value) || ms < 1 || ms > MAX_TIMEOUT_MS)
    throw new UsageError(
      `--timeout is in ms, a whole number from 1 to ${MAX_TIMEOUT_MS} (got ${JSON.stringify(value)})`,
      "call",
    );
  return ms;
}

/** The payload, checked now rather than refused by a worker later. */
function jsonPayload(body: string | undefined): Buffer {
  if (body === undefined) return Buffer.from("{}");
  try {
    JSON.parse(body);
  } catch (error) {
    throw new UsageError(
      `the payload must be JSON (got ${JSON.stringify(body)}: ${(error as Error).message}); quote it for the shell, e.g. '{"ms":5}'`,
      "call",
    );
  }
  return Buffer.from(body);
}

/** A failed call, with what the directory tells about it. */
function explained(
  error: unknown,
  call: { service: string; job: string; instances: number; timeoutMs: number },
): unknown {
  if (!(error instanceof MeshError)) return error;
  const registered = `${call.instances} instance${call.instances === 1 ? " is" : "s are"} registered`;
  const hints: Record<string, string> = {
    TIMEOUT: `${registered}; none answered within ${call.timeoutMs} ms (--timeout MS to wait longer).`,
    BUSY: `${registered}; every one refused the job as full. Try again, or add instances.`,
    NO_PEER: `${registered}, but none could be reached from here.`,
    DISCONNECTED: `${registered}; the connection dropped before the reply.`,
    UNKNOWN_JOB: `${call.service} does not serve the job ${JSON.stringify(call.job)}.`,
  };
  const hint = hints[error.code];
  return new CliFailure(`${error.code}: ${error.message}`, hint ? [hint] : []);
}
