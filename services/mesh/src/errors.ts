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
