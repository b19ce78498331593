/** Counts what each address holds (connections) against a limit; an address at zero is forgotten. */
export class AddressSlots {
  readonly #held = new Map<string, number>();

  constructor(private readonly limit: number) {}

  /** Takes a slot for `address`; false when it already holds `limit`. */
  acquire(address: string): boolean {
    const held = this.#held.get(address) ?? 0;
    if (held >= this.limit) return false;
    this.#held.set(address, held + 1);
    return true;
  }

  /** Gives back a slot of `address` (taken by `acquire`). */
  release(address: string): void {
    const held = this.#held.get(address) ?? 0;
    if (held <= 1) this.#held.delete(address);
    else this.#held.set(address, held - 1);
  }

  /** Slots `address` holds now. */
  held(address: string): number {
    return this.#held.get(address) ?? 0;
  }
}
