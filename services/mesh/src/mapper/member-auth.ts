import type { Headers } from "../protocol/mod.js";
import { KeyProof } from "../security/key-proof.js";
import type { MeshKeys } from "../security/key-set.js";
import { proofText } from "../security/member-proof.js";

/** Why a member's message was refused for who sent it. */
export type AuthRefusal = "unknown_key" | "bad_proof" | "wrong_service" | "not_owner";

/**
 * What each key may do, as the mapper sees it (NATS-style permissions, one rule): a key named X in
 * the mesh's key set may register instances of service X only, and only the key that registered an
 * instance may heartbeat or deregister it. Every claim is checked against the sender's proof.
 */
export class MemberAuth {
  readonly #proof: KeyProof;

  constructor(private readonly keys: MeshKeys) {
    this.#proof = new KeyProof(keys.own);
  }

  /** Why this REGISTER may not stand, or undefined if it may. */
  checkRegister(header: Headers["REGISTER"]): AuthRefusal | undefined {
    const { publicKey, proof } = header;
    if (publicKey === undefined || proof === undefined) return "bad_proof";
    const name = this.keys.known.get(publicKey);
    if (name === undefined) return "unknown_key";
    if (!this.#proof.verify(publicKey, proofText("REGISTER", header), proof)) return "bad_proof";
    return name === header.service ? undefined : "wrong_service";
  }

  /** Why this HEARTBEAT or DEREGISTER may not touch an instance registered by `ownerKey`, or undefined. */
  checkOwner(
    type: "HEARTBEAT" | "DEREGISTER",
    header: Headers["HEARTBEAT"] | Headers["DEREGISTER"],
    ownerKey: string | undefined,
  ): AuthRefusal | undefined {
    if (ownerKey === undefined || header.proof === undefined) return "not_owner";
    return this.#proof.verify(ownerKey, proofText(type, header), header.proof) ? undefined : "not_owner";
  }
}
