import type { MeshKeys } from "./key-set.js";

/**
 * How a process's sockets are secured: CURVE with its key set (the default for services), or
 * plaintext, only when asked for (`ZMESH_INSECURE=1`).
 */
export type MeshSecurity = { curve: MeshKeys } | { insecure: true };

/** The domain every zmesh server socket asks the ZAP handler about. */
export const ZAP_DOMAIN = "zmesh";

/** Socket options of a server socket (mapper control and events, worker jobs): CURVE server, ZAP-checked. */
export function serverSocketOptions(security: MeshSecurity) {
  if ("insecure" in security) return {};
  const { own } = security.curve;
  return {
    curveServer: true,
    curvePublicKey: own.publicKey,
    curveSecretKey: own.secretKey,
    zapDomain: ZAP_DOMAIN,
  };
}

/**
 * Socket options of a client socket dialling a server whose public key is `serverKey`: the
 * handshake fails unless the far end holds that key's secret.
 */
export function clientSocketOptions(security: MeshSecurity, serverKey: string) {
  if ("insecure" in security) return {};
  const { own } = security.curve;
  return { curvePublicKey: own.publicKey, curveSecretKey: own.secretKey, curveServerKey: serverKey };
}

/** Plaintext: for library users and tests that ask for it. */
export const INSECURE: MeshSecurity = { insecure: true };
