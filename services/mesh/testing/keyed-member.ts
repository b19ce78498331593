import { MeshError } from "../src/errors.js";
import type { Headers, Message } from "../src/protocol/mod.js";
import { KeyProof } from "../src/security/key-proof.js";
import type { MeshKeys } from "../src/security/key-set.js";
import { proofText } from "../src/security/member-proof.js";
import { clientSocketOptions } from "../src/security/mesh-security.js";
import { DealerChannel } from "../src/transport/dealer-channel.js";
import { sampleLoad } from "./fixtures.js";

/** What a REGISTER names, before the key and proof this member adds. */
export type KeyedRecord = Pick<Headers["REGISTER"], "service" | "instanceId" | "endpoint">;

/**
 * A member talking to the mapper over CURVE with the key pair in `keys`, signing REGISTER, HEARTBEAT
 * and DEREGISTER as the worker runtime does (protocol codec, KeyProof over proofText). It says
 * whatever a test tells it to: a rogue member holding a valid key of its own, or an outsider
 * holding none (see outsiderKeys). Each call resolves with the mapper's answer: `ACK`, the ERROR's
 * code, or the failure's code (`TIMEOUT`...) when no answer came.
 */
export class KeyedMember {
  readonly #control: DealerChannel;
  readonly #proof: KeyProof;

  constructor(
    mapperEndpoint: string,
    private readonly keys: MeshKeys,
    private readonly timeoutMs = 2000,
  ) {
    this.#proof = new KeyProof(keys.own);
    this.#control = new DealerChannel(mapperEndpoint, {
      onMalformed: () => {},
      secured: clientSocketOptions({ curve: keys }, keys.mapperPublicKey),
    });
  }

  /** The key this member registers its instances with (and its job socket would answer with). */
  get publicKey(): string {
    return this.keys.own.publicKey;
  }

  register(record: KeyedRecord): Promise<string> {
    const header = { ...record, load: sampleLoad(), publicKey: this.publicKey };
    const proof = this.#sign(proofText("REGISTER", header));
    return answerOf(this.#control.request("REGISTER", { ...header, proof }, this.timeoutMs));
  }

  heartbeat(instanceId: string): Promise<string> {
    const header = { instanceId, load: sampleLoad() };
    const proof = this.#sign(proofText("HEARTBEAT", header));
    return answerOf(this.#control.request("HEARTBEAT", { ...header, proof }, this.timeoutMs));
  }

  deregister(instanceId: string): Promise<string> {
    const proof = this.#sign(proofText("DEREGISTER", { instanceId }));
    return answerOf(this.#control.request("DEREGISTER", { instanceId, proof }, this.timeoutMs));
  }

  close(): void {
    this.#control.close();
  }

  #sign(text: string): string {
    return this.#proof.sign(this.keys.mapperPublicKey, text);
  }
}

/** The mapper's answer as one word: ACK, the ERROR's code, or why none came. */
function answerOf(reply: Promise<Message>): Promise<string> {
  return reply.then(
    (message) => (message.type === "ERROR" ? message.header.code : message.type),
    (error: unknown) => (error instanceof MeshError ? error.code : String(error)),
  );
}
