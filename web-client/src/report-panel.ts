import type { ApiError } from "@zmesh/gateway/api";
import { byId } from "./dom.js";

/**
 * The latest report's chart (a PNG the report worker draws), refreshed every few seconds, with a
 * line that blames the right component when there is none: the gateway when it cannot be reached,
 * the report worker only when the gateway answers for it.
 */
export class ReportPanel {
  readonly #chart = byId<HTMLImageElement>("report-chart");
  readonly #status = byId("report-status");
  #updatedAt: string | undefined;

  /** Asks the gateway for the latest chart; `gatewayUp` says whether its socket is connected now. */
  async refresh(gatewayUp: boolean): Promise<void> {
    if (!gatewayUp) {
      this.#blame("gateway unreachable");
      return;
    }
    let response: Response;
    try {
      response = await fetch("/api/reports/latest.png");
    } catch {
      this.#blame("gateway unreachable");
      return;
    }
    if (!response.ok) {
      this.#blame(await reportFailure(response));
      return;
    }
    const url = URL.createObjectURL(await response.blob());
    const previous = this.#chart.src;
    this.#chart.src = url;
    if (previous.startsWith("blob:")) URL.revokeObjectURL(previous);
    this.#updatedAt = new Date().toLocaleTimeString();
    this.#chart.classList.remove("stale");
    this.#status.className = "hint";
    this.#status.textContent = `updated ${this.#updatedAt}`;
  }

  #blame(cause: string): void {
    this.#chart.classList.add("stale");
    this.#status.className = "hint problem";
    this.#status.textContent = this.#updatedAt ? `${cause} — chart from ${this.#updatedAt}` : cause;
  }
}

/** Why the gateway could not give a report, from its answer (503: no report worker; 502: it failed). */
async function reportFailure(response: Response): Promise<string> {
  const body = (await response.json().catch(() => undefined)) as ApiError | undefined;
  const code = body?.error.replace(/^report unavailable: /, "") ?? String(response.status);
  if (response.status === 503) return "no report worker in the mesh";
  return `the report worker did not answer (${code})`;
}
