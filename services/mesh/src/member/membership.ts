import type { Counter } from "prom-client";
import { MeshError } from "../errors.js";
import type { Logger } from "../observability/logger.js";
import { ErrorCode, type Headers, type Load, type Message } from "../protocol/mod.js";
import { proofText } from "../security/member-proof.js";
import type { DealerChannel } from "../transport/dealer-channel.js";
import { type Heartbeat, startHeartbeat } from "./heartbeat.js";

/** Who a member is, as its REGISTER tells the mapper. */
export interface MemberIdentity {
  service: string;
  instanceId: string;
  endpoint: string;
  metricsAddress?: string;
  /** With CURVE: the member's public key, which its job socket answers with. */
  publicKey?: string;
}

export interface MembershipOptions {
  /** The channel to the mapper: only its requests are used. */
  control: Pick<DealerChannel, "request">;
  identity: MemberIdentity;
  load: () => Load;
  heartbeatIntervalMs: number;
  logger: Logger;
  counters: { heartbeatFailures: Pick<Counter, "inc">; reregistrations: Pick<Counter, "inc"> };
  /** With CURVE: signs a message's proof text for the mapper (see security/member-proof.ts). */
  prove?: (text: string) => string;
}

/**
 * A member's life in the directory: REGISTER, then a HEARTBEAT with its load every interval, and
 * DEREGISTER on the way out. The mapper's state is soft: when a heartbeat comes back
 * UNKNOWN_INSTANCE (the mapper restarted) the member registers again at once.
 *
 * @example
 * const membership = new Membership({ control, identity, load: () => tracker.load(), heartbeatIntervalMs: 1000, logger, counters });
 * await membership.start(); // resolves once the mapper has acknowledged the first REGISTER
 * // on shutdown, before finishing the jobs in flight:
 * await membership.stop();
 */
export class Membership {
  #registered = false;
  #heartbeat: Heartbeat | undefined;
  #registering: Promise<void> | undefined;
  #firstRegistration: Promise<void>;
  #markFirstRegistration!: () => void;

  constructor(private readonly options: MembershipOptions) {
    this.#firstRegistration = new Promise((resolve) => {
      this.#markFirstRegistration = resolve;
    });
  }

  /** True while the mapper is known to hold our record (between an ACKed REGISTER and stop or UNKNOWN_INSTANCE). */
  get registered(): boolean {
    return this.#registered;
  }

  /** Starts registering and heartbeating; resolves once the mapper has acknowledged us. */
  start(): Promise<void> {
    void this.#register();
    this.#heartbeat = startHeartbeat(
      this.options.heartbeatIntervalMs,
      () => this.#beat(),
      // #beat handles the mapper's answers and failures itself: anything reaching here is a bug.
      (error) => this.options.logger.error("heartbeat failed", { error: String(error) }),
    );
    return this.#firstRegistration;
  }

  /** Stops heartbeating and, if registered, sends DEREGISTER (waiting at most `timeoutMs` for the ACK). */
  async stop(timeoutMs = 1000): Promise<void> {
    this.#heartbeat?.stop();
    if (!this.#registered) return;
    this.#registered = false;
    const { control, identity, logger } = this.options;
    const header = this.#signed("DEREGISTER", { instanceId: identity.instanceId });
    await control.request("DEREGISTER", header, timeoutMs).then(
      () => logger.info("deregistered"),
      (error: unknown) => logger.warn("deregister not acknowledged", { error: String(error) }),
    );
  }

  /** Stops heartbeating without a DEREGISTER: for a mapper that is gone, which nobody could answer for. */
  leave(): void {
    this.#heartbeat?.stop();
    this.#registered = false;
  }

  async #beat(): Promise<void> {
    if (!this.#registered) return this.#register();
    const { control, identity, heartbeatIntervalMs, counters, logger } = this.options;
    try {
      const reply = await control.request(
        "HEARTBEAT",
        this.#signed("HEARTBEAT", { instanceId: identity.instanceId, load: this.options.load() }),
        heartbeatIntervalMs,
      );
      if (isUnknownInstance(reply)) {
        logger.warn("mapper does not know this instance (restarted?): registering again");
        counters.reregistrations.inc();
        this.#registered = false;
        await this.#register();
      }
    } catch (error) {
      counters.heartbeatFailures.inc();
      logger.debug("heartbeat not acknowledged", {
        error: error instanceof MeshError ? error.code : String(error),
      });
    }
  }

  /** The header with its proof, when this member proves who it is (CURVE). */
  #signed<K extends "REGISTER" | "HEARTBEAT" | "DEREGISTER">(
    type: K,
    header: Omit<Headers[K], "id" | "proof">,
  ): Omit<Headers[K], "id" | "proof"> & { proof?: string } {
    const { prove } = this.options;
    return prove ? { ...header, proof: prove(proofText(type, header)) } : header;
  }

  /** One registration at a time; failures are retried by the next heartbeat tick. */
  #register(): Promise<void> {
    this.#registering ??= this.#sendRegister().finally(() => {
      this.#registering = undefined;
    });
    return this.#registering;
  }

  async #sendRegister(): Promise<void> {
    const { control, identity, heartbeatIntervalMs, logger } = this.options;
    try {
      const reply = await control.request(
        "REGISTER",
        this.#signed("REGISTER", { ...identity, load: this.options.load() }),
        heartbeatIntervalMs,
      );
      if (reply.type !== "ACK") throw new Error(`mapper answered ${describe(reply)}`);
      this.#registered = true;
      this.#markFirstRegistration();
      logger.info("registered", { endpoint: identity.endpoint, mapperEpoch: reply.header.epoch });
    } catch (error) {
      logger.warn("registration failed, will retry", { error: String(error) });
    }
  }
}

function isUnknownInstance(reply: Message): boolean {
  return reply.type === "ERROR" && reply.header.code === ErrorCode.UNKNOWN_INSTANCE;
}

function describe(reply: Message): string {
  return reply.type === "ERROR" ? `${reply.header.code}: ${reply.header.message}` : reply.type;
}
