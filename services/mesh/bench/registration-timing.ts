// How long a member takes to join: a new connection to the mapper, its first REGISTER and the ACK.
// With CURVE that includes the handshake and the member's proof (an X25519 and an HMAC each side).
import type { MeshKeys } from "../src/mod.js";
import { KeyProof } from "../src/security/key-proof.js";
import { proofText } from "../src/security/member-proof.js";
import { clientSocketOptions } from "../src/security/mesh-security.js";
import { DealerChannel } from "../src/transport/dealer-channel.js";
import { sampleLoad } from "../testing/mod.js";

/**
 * Registers `trials` new echo instances one after another, each from a fresh connection (plaintext,
 * or CURVE with `keys`), and returns each one's time from opening the connection to the ACK, in ms.
 */
export async function registrationTimes(
  mapperEndpoint: string,
  trials: number,
  keys?: MeshKeys,
): Promise<number[]> {
  const times: number[] = [];
  for (let trial = 0; trial < trials; trial++) {
    const started = performance.now();
    const control = new DealerChannel(mapperEndpoint, {
      onMalformed: () => {},
      secured: keys ? clientSocketOptions({ curve: keys }, keys.mapperPublicKey) : {},
    });
    try {
      const record = {
        service: "echo",
        instanceId: `echo-bench-${keys ? "curve" : "plain"}-${trial}`,
        endpoint: `tcp://127.0.0.1:${30_000 + trial}`,
        load: sampleLoad(),
        ...(keys ? { publicKey: keys.own.publicKey } : {}),
      };
      const proof = keys && new KeyProof(keys.own).sign(keys.mapperPublicKey, proofText("REGISTER", record));
      const reply = await control.request("REGISTER", proof ? { ...record, proof } : record, 5000);
      if (reply.type !== "ACK") throw new Error(`REGISTER answered ${reply.type}`);
      times.push(performance.now() - started);
      await control.request("DEREGISTER", proofed(keys, { instanceId: record.instanceId }), 5000);
    } finally {
      control.close();
    }
  }
  return times;
}

/** A DEREGISTER header, with its proof under CURVE. */
function proofed(keys: MeshKeys | undefined, header: { instanceId: string }) {
  if (!keys) return header;
  return {
    ...header,
    proof: new KeyProof(keys.own).sign(keys.mapperPublicKey, proofText("DEREGISTER", header)),
  };
}
