import { element } from "./dom.js";
import { shortName, type WorkerColors } from "./worker-colors.js";

/** Frames kept in the strip: six seconds at the default 10 fps. */
export const HISTORY_SIZE = 60;

/**
 * The strip of the last frames received, one cell per frame coloured by the worker that rendered
 * it, newest on the right, with a legend of the workers in it: the load spreading, at a glance.
 */
export class FrameHistory {
  readonly #cells: HTMLLIElement[] = [];
  readonly #workers: string[] = [];

  constructor(
    strip: HTMLElement,
    private readonly legend: HTMLElement,
    private readonly colors: WorkerColors,
  ) {
    for (let index = 0; index < HISTORY_SIZE; index++) this.#cells.push(element("li", "cell empty"));
    strip.replaceChildren(...this.#cells);
  }

  /** The workers of the frames in the strip, oldest first. */
  get workers(): readonly string[] {
    return this.#workers;
  }

  /** One more frame, rendered by `worker`. */
  add(worker: string, seq: number): void {
    this.#workers.push(worker);
    if (this.#workers.length > HISTORY_SIZE) this.#workers.shift();
    // Newest at the right end: the strip fills from the right as frames arrive.
    const offset = HISTORY_SIZE - this.#workers.length;
    this.#workers.forEach((name, index) => {
      const cell = this.#cells[offset + index] as HTMLLIElement;
      cell.className = "cell";
      cell.style.background = this.colors.of(name);
      cell.dataset.worker = name;
      if (index === this.#workers.length - 1) cell.title = `#${seq} by ${name}`;
    });
    this.#renderLegend();
  }

  #renderLegend(): void {
    const counts = new Map<string, number>();
    for (const name of this.#workers) counts.set(name, (counts.get(name) ?? 0) + 1);
    const items = [...counts].sort(([a], [b]) => (a < b ? -1 : 1));
    this.legend.replaceChildren(
      ...items.map(([name, count]) => {
        const item = element("li", "legend-item");
        const swatch = element("span", "swatch");
        swatch.style.background = this.colors.of(name);
        item.dataset.worker = name;
        item.title = name;
        item.append(swatch, element("span", "", `${shortName(name)} ${count}`));
        return item;
      }),
    );
  }
}
