import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { repoRoot } from "./repo-root.js";

/** Debian's Chromium (`make chromium` installs it; `npx playwright install` cannot run here). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Where browser tests keep their screenshots for a person to look at (created by `launchChromium`). */
export const ARTIFACTS = join(repoRoot, "test-artifacts");

/** Headless Chromium with a fresh profile and nothing talking to the outside. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: make chromium (or apt-get install chromium) installs it`);
  mkdirSync(ARTIFACTS, { recursive: true });
  // Loaded here, so the many tests that share this module but open no browser do not load playwright.
  const { chromium } = await import("playwright-core");
  return chromium.launch({
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
}
