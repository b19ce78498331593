import { ErrorCode } from "./protocol/mod.js";

/** Failure codes a caller of the mesh can see, beyond those a remote peer sends in ERROR. */
export const CallFailure = {
  TIMEOUT: "TIMEOUT",
  DISCONNECTED: "DISCONNECTED",
  NO_PEER: "NO_PEER",
  BUSY: "BUSY",
  CLOSED: "CLOSED",
  SEND_FAILED: "SEND_FAILED",
} as const;

/** An error with a machine-readable code: a CallFailure or a protocol ErrorCode from the remote side. */
export class MeshError extends Error {
  override name = "MeshError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Every failure code we know, lower-cased: what a metric label or a log field may carry. */
const KNOWN_FAILURES: ReadonlySet<string> = new Set(
  [...Object.values(CallFailure), ...Object.values(ErrorCode)].map((code: string) => code.toLowerCase()),
);

/**
 * A failure as a bounded label: its code lower-cased when it is one we know, else "error". A peer's
 * ERROR may carry any code, and labels from it would grow a metric without bound.
 */
export function failureLabel(error: unknown): string {
  const code = error instanceof MeshError ? error.code.toLowerCase() : "error";
  return KNOWN_FAILURES.has(code) ? code : "error";
}
