import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The transports a deployment may choose for the mesh's sockets; component tests run over each. */
export const TRANSPORTS = ["tcp", "ipc"] as const;
export type Transport = (typeof TRANSPORTS)[number];

let ipcDirectory: string | undefined;
let sockets = 0;

/** One directory per test process for ipc socket files, removed when the process exits. */
function ipcDir(): string {
  if (ipcDirectory === undefined) {
    const created = mkdtempSync(join(tmpdir(), "zmesh-"));
    process.once("exit", () => rmSync(created, { recursive: true, force: true }));
    ipcDirectory = created;
  }
  return ipcDirectory;
}

/**
 * A fresh endpoint to bind over `transport`: any free port on 127.0.0.1 for tcp, a new socket file
 * for ipc (short enough for Linux's 107-byte limit). `name` only makes the file easier to recognise.
 *
 * @example
 * describe.each(TRANSPORTS)("mapper over %s", (transport) => {
 *   const env = mapperBindEnv(transport); // MAPPER_BIND and MAPPER_EVENTS_BIND for startMapperProcess
 * });
 */
export function bindEndpoint(transport: Transport, name: string): string {
  if (transport === "tcp") return "tcp://127.0.0.1:0";
  return `ipc://${join(ipcDir(), `${name}-${sockets++}.sock`)}`;
}

/** A mapper process's settings that put its control and events sockets on `transport`. */
export function mapperBindEnv(transport: Transport): { MAPPER_BIND: string; MAPPER_EVENTS_BIND: string } {
  return {
    MAPPER_BIND: bindEndpoint(transport, "mapper"),
    MAPPER_EVENTS_BIND: bindEndpoint(transport, "events"),
  };
}

/** A worker process's setting that puts its job socket on `transport`. */
export function workerBindEnv(transport: Transport): { JOB_BIND: string } {
  return { JOB_BIND: bindEndpoint(transport, "jobs") };
}
