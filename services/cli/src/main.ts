// zmesh — the operator's view of a mesh: ls, watch, call. Talks to the mapper at MAPPER_ENDPOINT.
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { type InstanceRecord, MapperClient, MeshError, PeerClient } from "@zmesh/mesh";
import { loadConfigOrExit, memberSettings } from "@zmesh/mesh/service";
import { z } from "zod";
import { changeLine, directoryView, instanceTable } from "./format.js";

const USAGE = `usage: zmesh <command> [options]

  ls [--service NAME] [--all] [--json]    services, instances, state and load (past 50 instances:
                                          a summary per service and the first 50; --all for every one)
  watch [--all] [--json]                  live changes to the directory (Ctrl-C to stop)
  call <service> <job> [JSON] [--out FILE] [--timeout MS]
                                          send one job and print the reply (binary replies go to a file)

  MAPPER_ENDPOINT  the mapper to ask (default tcp://127.0.0.1:5555)
`;

// The same setting, checked the same way, as every service's (a bad one exits 2 naming the variable).
const { MAPPER_ENDPOINT: mapperEndpoint } = loadConfigOrExit(
  z.object({ MAPPER_ENDPOINT: memberSettings.MAPPER_ENDPOINT }),
);
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: "boolean", default: false },
    all: { type: "boolean", default: false },
    service: { type: "string" },
    out: { type: "string" },
    timeout: { type: "string", default: "5000" },
    help: { type: "boolean", short: "h", default: false },
  },
});
const [command, ...rest] = positionals;

async function ls(): Promise<void> {
  const client = new MapperClient(mapperEndpoint);
  try {
    const instances = await client.list(values.service);
    process.stdout.write(values.json ? `${JSON.stringify(instances, null, 2)}\n` : listing(instances));
  } finally {
    client.close();
  }
}

async function watch(): Promise<void> {
  const client = new MapperClient(mapperEndpoint);
  const { directory, ready } = client.watch((change) => {
    process.stdout.write(
      values.json
        ? `${JSON.stringify({ at: new Date().toISOString(), ...change })}\n`
        : changeLine(change, new Date()),
    );
  });
  await ready;
  const instances = directory.all();
  process.stdout.write(
    values.json
      ? `${JSON.stringify({ at: new Date().toISOString(), kind: "watching", instances })}\n`
      : listing(instances),
  );
  process.on("SIGINT", () => {
    client.close();
    process.exit(0);
  });
}

async function call(): Promise<void> {
  const [service, job, body] = rest;
  if (!service || !job) throw new UsageError("call needs <service> <job>");
  const timeoutMs = Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw new UsageError("--timeout must be a positive integer (ms)");
  if (body !== undefined) JSON.parse(body); // a clear error now rather than a worker's complaint later
  const client = new PeerClient({ mapperEndpoint, defaultTimeoutMs: timeoutMs });
  try {
    const payload = Buffer.from(body ?? "{}");
    const reply = await client.call(service, job, payload, { contentType: "application/json" });
    const bytes = Buffer.from(reply.payload);
    if (isText(reply.contentType) && values.out === undefined) {
      process.stdout.write(`${bytes.toString("utf8")}\n`);
      return;
    }
    const file = values.out ?? `${job}-reply${extensionOf(reply.contentType)}`;
    await writeFile(file, bytes);
    process.stdout.write(`${reply.contentType}, ${bytes.length} bytes written to ${file}\n`);
  } finally {
    client.close();
  }
}

function listing(instances: readonly InstanceRecord[]): string {
  return values.all ? instanceTable(instances) : directoryView(instances);
}

class UsageError extends Error {}

function isText(contentType: string): boolean {
  return contentType.startsWith("text/") || contentType.includes("json") || contentType.includes("csv");
}

function extensionOf(contentType: string): string {
  return { "image/jpeg": ".jpg", "image/png": ".png", "text/csv": ".csv" }[contentType] ?? ".bin";
}

const commands: Record<string, () => Promise<void>> = { ls, watch, call };
const run = command ? commands[command] : undefined;
if (values.help || !run) {
  process.stdout.write(USAGE);
  process.exit(values.help ? 0 : 64);
}
run().catch((error: unknown) => {
  const message =
    error instanceof MeshError
      ? `${error.code}: ${error.message}`
      : error instanceof Error
        ? error.message
        : String(error);
  process.stderr.write(`zmesh ${command}: ${message}\n`);
  if (error instanceof MeshError && error.code === "TIMEOUT")
    process.stderr.write(`is a mapper running at ${mapperEndpoint}?\n`);
  process.exit(error instanceof UsageError ? 64 : 1);
});
