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

interface ZapState {
  router: Router;
  policies: ZapPolicy[];
}

/** The handler's start, shared: two servers starting at once in one process bind it only once. */
let starting: Promise<ZapState> | undefined;

/**
 * Starts this process's ZAP handler (once; later calls add their policy). Every CURVE server socket
 * of the process then admits a client only if some policy admits its public key: unknown keys never
 * complete the handshake, so they cannot send a message, nor read one. Must run before such a socket
 * binds: without a handler, libzmq lets every client in. Resolves with the function that withdraws
 * this policy (when its server closes); the handler closes with its last policy.
 */
export async function admitOnly(policy: ZapPolicy): Promise<() => void> {
  starting ??= start();
  const state = await starting;
  state.policies.push(policy);
  return () => {
    const index = state.policies.indexOf(policy);
    if (index >= 0) state.policies.splice(index, 1);
    // The last server gone: close the door too, so it keeps no process alive; a new server opens it again.
    if (state.policies.length === 0 && starting !== undefined) {
      starting = undefined;
      state.router.close();
    }
  };
}

async function start(): Promise<ZapState> {
  const router = new Router({ linger: 0 });
  await router.bind(ZAP_ENDPOINT);
  const state = { router, policies: [] };
  void answer(state);
  return state;
}

async function answer(state: ZapState): Promise<void> {
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
  // One refusal, reported once (by the first server still open), however many servers share the door.
  const refuse = (reason: ZapRefusal) => {
    policies[0]?.onRefused(reason, address);
    return { ok: false as const, reason };
  };
  // libzmq refuses a plaintext client before asking us: anything but a CURVE key is unknown here.
  if (mechanism !== "CURVE" || key?.length !== 32) return refuse("unknown_key");
  const publicKey = z85Encode(key);
  return policies.some((policy) => policy.admits(publicKey))
    ? { ok: true, publicKey }
    : refuse("unknown_key");
}
