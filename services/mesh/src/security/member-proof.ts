import type { Headers } from "../protocol/mod.js";

type Signed = "REGISTER" | "HEARTBEAT" | "DEREGISTER";

/**
 * The text a member's proof covers: what it claims (who it is, and for REGISTER, where and with
 * which key it serves). The message id is left out, since the channel assigns it after signing;
 * replay is no threat, as CURVE already hides and authenticates every message on the wire.
 */
export function proofText<K extends Signed>(type: K, header: Omit<Headers[K], "id" | "proof">): string {
  if (type === "REGISTER") {
    const { service, instanceId, endpoint, publicKey } = header as Omit<Headers["REGISTER"], "id" | "proof">;
    return ["REGISTER", service, instanceId, endpoint, publicKey ?? ""].join("\n");
  }
  return [type, (header as { instanceId: string }).instanceId].join("\n");
}
