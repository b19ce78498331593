import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The most text a reply may have to be printed on a terminal: about a screenful. */
export const TERMINAL_TEXT_LIMIT = 4096;

/** Where a reply goes: printed, or into a file (one chosen with --out, or one we name). */
export type ReplyDestination =
  | { to: "stdout" }
  | { to: "file"; path: string }
  | { to: "new file"; why: string };

/**
 * Where a reply goes, like curl: `--out FILE` (or `-` for stdout) wins; piped, every reply goes to
 * stdout as is; on a terminal, short text is printed, and binary or long replies go to a new file
 * in the temporary folder (never silently into the current one), named on the terminal.
 */
export function replyDestination(reply: {
  contentType: string;
  bytes: number;
  out: string | undefined;
  toTerminal: boolean;
}): ReplyDestination {
  if (reply.out === "-") return { to: "stdout" };
  if (reply.out !== undefined) return { to: "file", path: reply.out };
  if (!reply.toTerminal) return { to: "stdout" };
  if (!isText(reply.contentType)) return { to: "new file", why: "binary" };
  if (reply.bytes > TERMINAL_TEXT_LIMIT) return { to: "new file", why: "too long for the terminal" };
  return { to: "stdout" };
}

/** One reply from a job, as `call` received it. */
export interface Reply {
  service: string;
  job: string;
  contentType: string;
  payload: Uint8Array;
  servedBy: string;
}

/** Writes the reply where replyDestination says; a file written is named on stderr. */
export async function writeReply(reply: Reply, out: string | undefined, toTerminal: boolean): Promise<void> {
  const bytes = Buffer.from(reply.payload);
  const destination = replyDestination({
    contentType: reply.contentType,
    bytes: bytes.length,
    out,
    toTerminal,
  });
  if (destination.to === "stdout") {
    const newline = isText(reply.contentType) && !bytes.toString("utf8").endsWith("\n");
    process.stdout.write(newline ? Buffer.concat([bytes, Buffer.from("\n")]) : bytes);
    return;
  }
  const path =
    destination.to === "file"
      ? destination.path
      : join(tmpdir(), `zmesh-${reply.job}-${Date.now()}${extensionOf(reply.contentType)}`);
  await writeFile(path, bytes, destination.to === "file" ? {} : { flag: "wx" });
  const described = `${describe(reply, bytes)}, from ${reply.servedBy}`;
  const why = destination.to === "new file" ? `  (${destination.why}: --out FILE to choose, - to print)` : "";
  process.stderr.write(`${described}\nwritten to ${path}${why}\n`);
}

/** `image/png, 24310 bytes`, and for JSON the top-level keys, so a long reply is summarised. */
export function describe(reply: { contentType: string }, bytes: Buffer): string {
  const size = `${reply.contentType}, ${bytes.length} bytes`;
  if (!reply.contentType.includes("json")) return size;
  try {
    const value: unknown = JSON.parse(bytes.toString("utf8"));
    if (Array.isArray(value)) return `${size}: an array of ${value.length}`;
    if (value !== null && typeof value === "object")
      return `${size}: an object with ${Object.keys(value).join(", ")}`;
  } catch {
    // not JSON after all: the size says enough
  }
  return size;
}

function isText(contentType: string): boolean {
  return contentType.startsWith("text/") || contentType.includes("json") || contentType.includes("csv");
}

function extensionOf(contentType: string): string {
  const known: Record<string, string> = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "text/csv": ".csv",
    "application/json": ".json",
    "text/plain": ".txt",
  };
  return known[contentType] ?? ".bin";
}
