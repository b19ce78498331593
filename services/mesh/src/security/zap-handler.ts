import { Router } from "zeromq";
import { endedByOwnClose } from "../transport/closed-socket.js";
import { z85Encode } from "./z85.js";

/** Where libzmq asks who may connect to a CURVE server socket of this process (RFC 27). */
const ZAP_ENDPOINT = "inproc://zeromq.zap.01";

/** Why a connection was turned away at the door. */
export type ZapRefusal = "unknown_key";

export interface ZapPolicy {
  /** Public keys (Z85) allowed to connect to this process's server sockets. */
  admits(publicKey: string): boolean;
  onRefused(reason: ZapRefusal, address: string): void;
}

let running: { router: Router; policies: ZapPolicy[] } | undefined;

/**
 * Starts this process's ZAP handler (once; later calls add their policy). Every CURVE server socket
 * of the process then admits a client only if some policy admits its public key: unknown keys never
 * complete the handshake, so they cannot send a message, nor read one. Must run before such a socket
 * binds: without a handler, libzmq lets every client in.
 */
export async function admitOnly(policy: ZapPolicy): Promise<void> {
  if (running) {
    running.policies.push(policy);
    return;
  }
  const router = new Router({ linger: 0 });
  await router.bind(ZAP_ENDPOINT);
  running = { router, policies: [policy] };
  void answer(running);
}

/** Stops the handler (tests and shutdown); the next admitOnly starts a new one. */
export function stopZapHandler(): void {
  running?.router.close();
  running = undefined;
}

async function answer(state: { router: Router; policies: ZapPolicy[] }): Promise<void> {
  try {
    for await (const [identity, delimiter, version, requestId, , address, , mechanism, key] of state.router) {
      const verdict = judge(state.policies, String(mechanism), key, String(address));
      await state.router.send([
        identity as Buffer,
        delimiter as Buffer,
        version as Buffer,
        requestId as Buffer,
        verdict.ok ? "200" : "400",
        verdict.ok ? "OK" : verdict.reason,
        verdict.ok ? verdict.publicKey : "",
        "",
      ]);
    }
  } catch (error) {
    if (!endedByOwnClose(state.router)) throw error;
  }
}

function judge(
  policies: readonly ZapPolicy[],
  mechanism: string,
  key: Buffer | undefined,
  address: string,
): { ok: true; publicKey: string } | { ok: false; reason: ZapRefusal } {
  const refuse = (reason: ZapRefusal) => {
    for (const policy of policies) policy.onRefused(reason, address);
    return { ok: false as const, reason };
  };
  // libzmq refuses a plaintext client before asking us: anything but a CURVE key is unknown here.
  if (mechanism !== "CURVE" || key?.length !== 32) return refuse("unknown_key");
  const publicKey = z85Encode(key);
  return policies.some((policy) => policy.admits(publicKey))
    ? { ok: true, publicKey }
    : refuse("unknown_key");
}
