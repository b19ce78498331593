import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, startSystem, useCleanup } from "@zmesh/mesh/testing";
import { chromium } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARTIFACTS = join(repoRoot, "test-artifacts");
const cleanup = useCleanup();

describe("web client in a real browser", () => {
  it("shows live frames changing and the mesh panel listing the image workers", async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (make test does)`);
    const { base } = await startSystem(cleanup);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 720 } });
      await page.goto(base);
      // Frames change: the image source moves on, and the frame counter with it.
      const first = await page.waitForFunction(() =>
        document.querySelector<HTMLImageElement>("#frame")?.src.startsWith("blob:"),
      );
      await first.dispose();
      const seqBefore = await page.textContent("#seq");
      await page.waitForFunction(
        (before) => document.querySelector("#seq")?.textContent !== before,
        seqBefore,
        { timeout: 5000 },
      );
      const loaded = await page.$eval("#frame", (img) => (img as HTMLImageElement).naturalWidth);
      expect(loaded).toBe(400);
      // The mesh panel lists both image workers.
      await page.waitForFunction(
        () => document.querySelectorAll('li[data-instance^="image-worker-"]').length === 2,
        undefined,
        {
          timeout: 5000,
        },
      );
      const listed = await page.$$eval('li[data-instance^="image-worker-"]', (items) =>
        items.map((i) => (i as HTMLElement).dataset.instance),
      );
      expect(listed.sort()).toEqual(["image-worker-alpha", "image-worker-beta"]);
      expect(await page.textContent("#connection")).toBe("live");
      // The latest report's chart is shown, with its CSV a click away.
      await page.waitForFunction(
        () => (document.querySelector<HTMLImageElement>("#report-chart")?.naturalWidth ?? 0) > 0,
        undefined,
        {
          timeout: 10_000,
        },
      );
      expect(await page.getAttribute("#report-csv", "href")).toBe("/api/reports/latest.csv");
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, "web-client.png") });
    } finally {
      await browser.close();
    }
  });
});
