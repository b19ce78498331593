// Distinct on the page's dark background, and none of them the state colours' green, amber or red.
const PALETTE = ["#4f8cff", "#ff9f43", "#22d3ee", "#f472b6", "#a78bfa", "#a3e635", "#e2e8f0", "#d6a77a"];

/**
 * A colour per image worker, the same in the history strip, its legend and the mesh panel. A
 * worker's colour comes from its name (so it stays the same across reloads), moved to the next
 * free one when another worker has it; a worker gone from the page gives its colour back (see
 * `retain`), so colours repeat only past eight workers on the page at once.
 */
export class WorkerColors {
  readonly #colors = new Map<string, string>();

  /** The colour of `worker`, chosen on first sight and kept while the page shows it (see `retain`). */
  of(worker: string): string {
    const known = this.#colors.get(worker);
    if (known) return known;
    const taken = new Set(this.#colors.values());
    const start = hash(worker) % PALETTE.length;
    let color = PALETTE[start] as string;
    for (let step = 0; step < PALETTE.length; step++) {
      const candidate = PALETTE[(start + step) % PALETTE.length] as string;
      if (!taken.has(candidate)) {
        color = candidate;
        break;
      }
    }
    this.#colors.set(worker, color);
    return color;
  }

  /**
   * Forgets every worker but `shown` (those the page still shows): their colours are free again, and
   * a shown worker that had to share one (it came while every colour was taken) gets its own.
   */
  retain(shown: Iterable<string>): void {
    const keep = new Set(shown);
    for (const worker of this.#colors.keys()) if (!keep.has(worker)) this.#colors.delete(worker);
    const seen = new Set<string>();
    for (const [worker, color] of [...this.#colors]) {
      if (!seen.has(color)) {
        seen.add(color);
        continue;
      }
      this.#colors.delete(worker);
      seen.add(this.of(worker));
    }
  }
}

/** FNV-1a: small, stable, spreads similar names apart. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value;
}

/** A worker's name without its service prefix: "image-worker-alpha" is "alpha" on the page. */
export const shortName = (worker: string): string => worker.replace(/^image-worker-/, "");
