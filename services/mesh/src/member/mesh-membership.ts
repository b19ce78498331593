import type { MapperSet } from "../directory/mapper-set.js";
import { Membership, type MembershipOptions } from "./membership.js";

export type MeshMembershipOptions = Omit<MembershipOptions, "control"> & { mappers: MapperSet };

/**
 * A member's life with every mapper replica: one Membership per mapper of the set, each with its
 * own REGISTER, heartbeats and re-registration on UNKNOWN_INSTANCE, so a mapper that restarts (or
 * joins the set later) learns of us within two heartbeat intervals while the others never noticed.
 * No mapper depends on another: there is nothing to agree on.
 *
 * @example
 * const membership = new MeshMembership({ mappers, identity, load, heartbeatIntervalMs: 1000, logger, counters });
 * await membership.start(); // one mapper has acknowledged us
 * await membership.stop(); // DEREGISTER sent to every mapper
 */
export class MeshMembership {
  readonly #members = new Map<string, Membership>();
  readonly #unfollow: () => void;
  #started = false;
  #markRegistered!: () => void;
  readonly #registered: Promise<void>;

  constructor(private readonly options: MeshMembershipOptions) {
    this.#registered = new Promise((resolve) => {
      this.#markRegistered = resolve;
    });
    this.#unfollow = options.mappers.follow({
      joined: (endpoint, channel) => {
        const { mappers: _, ...shared } = this.options;
        const member = new Membership({
          ...shared,
          control: channel,
          logger: options.logger.child({ mapper: endpoint }),
        });
        this.#members.set(endpoint, member);
        if (this.#started) this.#begin(member);
      },
      // The mapper is gone (its address no longer resolves): nothing to deregister from.
      left: (endpoint) => {
        this.#members.get(endpoint)?.leave();
        this.#members.delete(endpoint);
      },
    });
  }

  /** Starts registering and heartbeating with every mapper; resolves once any one has acknowledged us. */
  start(): Promise<void> {
    this.#started = true;
    for (const member of this.#members.values()) this.#begin(member);
    return this.#registered;
  }

  /** Stops following the set and deregisters from every mapper at once (each waits at most `timeoutMs`). */
  async stop(timeoutMs = 1000): Promise<void> {
    this.#unfollow();
    await Promise.all([...this.#members.values()].map((member) => member.stop(timeoutMs)));
  }

  #begin(member: Membership): void {
    void member.start().then(() => this.#markRegistered());
  }
}
