import { join } from "node:path";
import { ARTIFACTS, launchChromium, startSystem, useCleanup, waitFor } from "@zmesh/mesh/testing";
import type { Page } from "playwright-core";

const WORKERS = ["image-worker-alpha", "image-worker-beta"];
const cleanup = useCleanup();

/** What a test passes into the page along with a predicate. */
type PageArg = number | string | null;

/** Waits until `predicate` holds in the page, up to `timeout` ms. */
async function until(
  page: Page,
  predicate: (arg: PageArg) => unknown,
  arg: PageArg,
  timeout = 10_000,
): Promise<void> {
  const handle = await page.waitForFunction(predicate, arg, { timeout });
  await handle.dispose();
}

/** Per image worker, what its row in the mesh panel says: frames/s, share, swatch colour. */
function meshRows(page: Page) {
  return page.$$eval('li[data-service="image-worker"]', (items) =>
    items.map((item) => ({
      id: (item as HTMLElement).dataset.instance,
      rate: Number(item.querySelector('[data-role="rate"]')?.textContent),
      share: Number.parseFloat(item.querySelector('[data-role="share"]')?.textContent ?? ""),
      color: getComputedStyle(item.querySelector(".swatch") as Element).backgroundColor,
    })),
  );
}

/** The history strip: the worker and colour of every cell that holds a frame. */
function historyCells(page: Page) {
  return page.$$eval("#history .cell[data-worker]", (cells) =>
    cells.map((cell) => ({
      worker: (cell as HTMLElement).dataset.worker as string,
      color: getComputedStyle(cell).backgroundColor,
    })),
  );
}

const isStale = (page: Page, id: string) => page.$eval(`#${id}`, (node) => node.classList.contains("stale"));

describe("web client in a real browser", () => {
  it("shows frames, per-worker rates and a coloured history; says which component is away", async () => {
    const { base, workers, gateway } = await startSystem(cleanup);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(base);

      // Frames change: the image source moves on, and the frame counter with it.
      await until(
        page,
        () => document.querySelector<HTMLImageElement>("#frame")?.src.startsWith("blob:"),
        null,
      );
      const seqBefore = await page.textContent("#seq");
      await until(page, (before) => document.querySelector("#seq")?.textContent !== before, seqBefore, 5000);
      expect(await page.$eval("#frame", (img) => (img as HTMLImageElement).naturalWidth)).toBe(400);
      expect(await page.textContent("#connection")).toBe("live");

      // The mesh panel: both image workers with frames a second above 0, shares adding up to the whole.
      await until(
        page,
        (count) =>
          [...document.querySelectorAll('li[data-service="image-worker"] [data-role="rate"]')].filter(
            (rate) => Number(rate.textContent) > 0,
          ).length === count,
        WORKERS.length,
      );
      const rows = await meshRows(page);
      expect(rows.map((row) => row.id).sort()).toEqual(WORKERS);
      for (const row of rows) expect(row.rate).toBeGreaterThan(0);
      expect(rows.reduce((sum, row) => sum + row.share, 0)).toBeGreaterThanOrEqual(98);
      expect(new Set(rows.map((row) => row.color)).size).toBe(WORKERS.length);
      expect(await page.textContent("#mesh-summary")).toMatch(/^\d+\.\d frames\/s · 2 image workers$/);

      // The history strip: frames of both workers, each worker in one colour, the mesh panel's.
      await until(
        page,
        (count) =>
          new Set(
            [...document.querySelectorAll<HTMLElement>("#history .cell[data-worker]")].map(
              (c) => c.dataset.worker,
            ),
          ).size === count,
        WORKERS.length,
      );
      const cells = await historyCells(page);
      for (const row of rows) {
        const colors = new Set(cells.filter((cell) => cell.worker === row.id).map((cell) => cell.color));
        expect([...colors]).toEqual([row.color]);
      }
      const legend = await page.$$eval("#history-legend .legend-item", (items) =>
        items.map((item) => (item as HTMLElement).dataset.worker),
      );
      expect(legend).toEqual(WORKERS);

      // The latest report's chart, at its own size, with its CSV a click away; for the screenshot,
      // one drawn once both workers have a share of frames.
      await waitFor("a report with both workers' share of frames", async () => {
        const report = (await (await fetch(`${base}/api/reports/latest.json`)).json()) as {
          services: { service: string; instances: { share: number }[] }[];
        };
        const images = report.services.find((service) => service.service === "image-worker");
        return images?.instances.length === WORKERS.length && images.instances.every((i) => i.share > 0);
      });
      const reportShown = await page.textContent("#report-status");
      await until(
        page,
        (shown) => document.querySelector("#report-status")?.textContent !== shown,
        reportShown,
      );
      await until(
        page,
        () => (document.querySelector<HTMLImageElement>("#report-chart")?.naturalWidth ?? 0) > 0,
        null,
      );
      expect(await page.$eval("#report-chart", (img) => img.getBoundingClientRect().width)).toBe(720);
      expect(await page.getAttribute("#report-csv", "href")).toBe("/api/reports/latest.csv");
      await page.screenshot({ path: join(ARTIFACTS, "web-client.png"), fullPage: true });

      // No image worker left: the gateway answers, so the page blames the workers, not the gateway.
      for (const worker of workers) worker.kill("SIGTERM");
      await Promise.all(workers.map((worker) => worker.exited));
      await until(page, () => document.body.dataset.condition === "no-worker", null);
      expect(await page.textContent("#connection")).toContain("no image worker");
      expect(await isStale(page, "frame")).toBe(true);
      expect(await isStale(page, "instances")).toBe(false);
      await until(
        page,
        () => document.querySelector("#instances .empty")?.textContent === "no image worker in the mesh",
        null,
      );
      await page.screenshot({ path: join(ARTIFACTS, "web-client-no-worker.png"), fullPage: true });

      // The gateway goes away: every live value greys out and the gateway is named, not the report worker.
      await gateway.stop();
      await until(page, () => document.body.dataset.condition === "gateway-down", null);
      expect(await page.textContent("#connection")).toBe("gateway unreachable — reconnecting");
      expect(await page.textContent("#frame-overlay")).toBe("gateway unreachable — reconnecting");
      for (const id of ["frame", "stats", "history-panel", "instances", "mesh-summary", "report-chart"]) {
        expect([id, await isStale(page, id)]).toEqual([id, true]);
      }
      expect(await page.textContent("#mesh-status")).toContain("gateway unreachable");
      const reportStatus = await page.textContent("#report-status");
      expect(reportStatus).toContain("gateway unreachable");
      expect(reportStatus).not.toContain("report worker");
      await until(page, () => document.querySelector("#fps")?.textContent === "0.0", null);
      await page.screenshot({ path: join(ARTIFACTS, "web-client-gateway-down.png"), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
