import { createHmac, createPrivateKey, createPublicKey, diffieHellman, timingSafeEqual } from "node:crypto";
import type { KeyPair } from "./key-set.js";
import { z85Decode } from "./z85.js";

/**
 * Proof that a message comes from the holder of a public key. CURVE authenticates the connection,
 * but zeromq.js does not tell the receiver which key is at the other end, so a member also signs
 * what it says: an HMAC keyed by the X25519 secret it shares with the mapper (its secret with the
 * mapper's public key, or the mapper's secret with its public key: the same 32 bytes). Only the two
 * holders of those secret keys can compute it.
 */
export class KeyProof {
  readonly #own: ReturnType<typeof createPrivateKey>;
  /** Shared secrets by peer public key: one X25519 per peer, not per message. */
  readonly #shared = new Map<string, Buffer>();

  constructor(own: KeyPair) {
    this.#own = createPrivateKey({
      key: { kty: "OKP", crv: "X25519", d: base64url(own.secretKey), x: base64url(own.publicKey) },
      format: "jwk",
    });
  }

  /** The proof of `text` for the holder of `peerPublicKey`. */
  sign(peerPublicKey: string, text: string): string {
    return createHmac("sha256", this.#secretWith(peerPublicKey)).update(text).digest("base64url");
  }

  /** True when `proof` of `text` was made by the holder of `claimedPublicKey`'s secret (or ours). */
  verify(claimedPublicKey: string, text: string, proof: string): boolean {
    const expected = Buffer.from(this.sign(claimedPublicKey, text), "base64url");
    const given = Buffer.from(proof, "base64url");
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  #secretWith(peerPublicKey: string): Buffer {
    let secret = this.#shared.get(peerPublicKey);
    if (secret === undefined) {
      const publicKey = createPublicKey({
        key: { kty: "OKP", crv: "X25519", x: base64url(peerPublicKey) },
        format: "jwk",
      });
      secret = diffieHellman({ privateKey: this.#own, publicKey });
      this.#shared.set(peerPublicKey, secret);
    }
    return secret;
  }
}

function base64url(z85Key: string): string {
  return z85Decode(z85Key).toString("base64url");
}
