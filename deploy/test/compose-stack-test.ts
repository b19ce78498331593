import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ARTIFACTS, launchChromium, waitFor } from "@zmesh/mesh/testing";
import type { Page } from "playwright-core";
import { io, type Socket } from "socket.io-client";
import type { StartedDockerComposeEnvironment } from "testcontainers";
import type { MeshResponse } from "../../services/gateway/src/gateway-api.js";
import {
  compose,
  composeEnv,
  GATEWAY,
  leftovers,
  PROMETHEUS,
  repoRoot,
  run,
  SERVICE_UIDS,
  startStack,
} from "./support/compose-project.js";
import { query, startPromtool } from "./support/prometheus-api.js";
import { consoleGraphQueries, dashboardQueries, type ShownQuery } from "./support/queries.js";
import { readmeContainerCommands } from "./support/readme-commands.js";

// The whole stack as containers, built from this checkout: the way a user runs zmesh with Docker.
// testcontainers starts it and waits for each container's health; the last test takes it down and
// runs the README's container commands as written on the same project, from `make up` to `make down`.

interface Frame {
  worker: string;
  sentAt: number;
  jpeg: Buffer;
}

let stack: StartedDockerComposeEnvironment | undefined;
let viewer: Socket | undefined;
const frames: Frame[] = [];
const timings: Record<string, number> = {};
/** The key set the stack's `keys` service keeps in the checkout (the same as `make run`'s). */
const KEYS = resolve(repoRoot, ".zmesh/keys");
/** A container testcontainers started, by service (the first replica). */
const container = (service: string) => {
  if (!stack) throw new Error("the stack is not up");
  return stack.getContainer(`${service}-1`);
};
const mesh = async () => (await (await fetch(`${GATEWAY}/api/mesh`)).json()) as MeshResponse;
const imageWorkers = async () => (await mesh()).services["image-worker"] ?? [];
/** The last minute of a young stack, for the console's graphs (its own default is fifteen minutes). */
const LAST_FIVE_MINUTES = `#pctc${encodeURIComponent(JSON.stringify({ duration: 300, endTime: 0 }))}`;

/** Waits until `shown` returns at least one series (rates need two scrapes, so not at once). */
async function expectData({ where, expr }: ShownQuery): Promise<void> {
  await waitFor(`data for ${where}: ${expr}`, async () => (await query(expr)).length > 0, 60_000);
}

/** Opens (or loads again) `path` of Prometheus in Chromium and waits for `ready` in the page. */
async function open(page: Page, path: string, ready: () => boolean): Promise<void> {
  const url = `${PROMETHEUS}${path}`;
  // Going to the same URL with a #fragment would only scroll: load it again instead.
  await (page.url() === url ? page.reload() : page.goto(url));
  await (await page.waitForFunction(ready, undefined, { timeout: 20_000 })).dispose();
}

/** The cells of the console's instance table, row by row. */
function instanceRows(page: Page): Promise<string[][]> {
  return page.$$eval("#zmesh-instances tr", (trs) =>
    trs.slice(1).map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent?.trim() ?? "")),
  );
}

beforeAll(async () => {
  // Build first, so the timing below is what a user waits for once images exist.
  let startedAt = Date.now();
  await compose("build");
  timings.buildMs = Date.now() - startedAt;
  startedAt = Date.now();
  stack = await startStack();
  timings.upHealthyMs = Date.now() - startedAt;
  viewer = io(GATEWAY, { transports: ["websocket"] });
  viewer.on("frame", (frame: Frame) => frames.push(frame));
  await waitFor("the first frame", () => frames.length > 0, 60_000);
  timings.upToFirstFrameMs = Date.now() - startedAt;
});

afterAll(async () => {
  viewer?.close();
  process.stdout.write(`measured: ${JSON.stringify(timings)}\n`);
  // If a test failed before the stack (or the README's `make down`) was taken down, do it here.
  await stack?.down().catch(() => {});
  await compose("down", "--remove-orphans", "--volumes").catch(() => {});
});

describe("the compose stack", () => {
  it("streams frames to a Socket.IO client on the published port", async () => {
    const count = frames.length;
    await waitFor("more frames", () => frames.length >= count + 10, 10_000);
    expect(frames.at(-1)?.worker).toMatch(/^image-worker-/);
    expect(Buffer.from(frames.at(-1)?.jpeg ?? []).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });

  it("CURVE on: each service runs as its own uid and can read its own secret key only; no key in the image; the checkout's key set keeps its owner", async () => {
    const script = `const fs = require("node:fs"); const dir = "/run/secrets/zmesh";
      const readable = (file) => { try { fs.readFileSync(dir + "/" + file); return true; } catch { return false; } };
      const files = fs.readdirSync(dir);
      process.stdout.write(JSON.stringify({ uid: process.getuid(), keys: files.filter((f) => f.endsWith(".key") && readable(f)),
        publicKeys: files.filter((f) => f.endsWith(".pub") && readable(f)).length, inImage: fs.existsSync("/app/.zmesh") }));`;
    // Every public key of the checkout's key set is readable in every container (`keys` copied them).
    const publicKeys = readdirSync(KEYS).filter((file) => file.endsWith(".pub")).length;
    expect(publicKeys).toBeGreaterThanOrEqual(5);
    // The containers' owners are on their copies: the checkout's key set (folders and files) stays
    // with the checkout's owner, so `make run` and `npx zmesh ls` on this machine can still read it.
    const owner = statSync(repoRoot).uid;
    const paths = [dirname(KEYS), KEYS, ...readdirSync(KEYS).map((file) => join(KEYS, file))];
    const owners = paths.map((path) => ({ path, uid: statSync(path).uid }));
    expect(owners).toEqual(paths.map((path) => ({ path, uid: owner })));
    for (const [service, uid] of Object.entries(SERVICE_UIDS)) {
      const { exitCode, stdout, stderr } = await container(service).exec(["node", "-e", script]);
      expect({ service, exitCode, stderr }).toEqual({ service, exitCode: 0, stderr: "" });
      expect(JSON.parse(stdout)).toEqual({ uid, keys: [`${service}.key`], publicKeys, inImage: false });
      const { stdout: log } = await compose("logs", "--no-log-prefix", service);
      expect(log).toContain('"message":"CURVE on"');
      expect(log).not.toContain("INSECURE");
    }
  });

  it("passes promtool: Prometheus config and alert rules, and every service's /metrics", async () => {
    const promtool = await startPromtool();
    try {
      const config = await promtool.check(["check", "config", "/etc/prometheus/prometheus.yml"]);
      expect(config).toContain("SUCCESS: 4 rules found");
      for (const [service, port] of [
        ["mapper", 9100],
        ["image-worker", 9100],
        ["report-worker", 9100],
        ["gateway", 8080],
      ] as const) {
        const script = `fetch("http://127.0.0.1:${port}/metrics").then((r) => r.text()).then((t) => process.stdout.write(t))`;
        const { stdout: metrics } = await container(service).exec(["node", "-e", script]);
        expect(metrics).toContain("zmesh_");
        await expect(promtool.check(["check", "metrics"], metrics)).resolves.toBeDefined();
      }
    } finally {
      await promtool.stop();
    }
  });

  it("scaled to four image workers: four in the directory, frames from at least three within ten seconds", async () => {
    const startedAt = Date.now();
    await compose(
      "up",
      "--detach",
      "--no-recreate",
      "--no-build",
      "--scale",
      "image-worker=4",
      "image-worker",
    );
    await waitFor(
      "four image workers in the directory",
      async () => (await imageWorkers()).length === 4,
      60_000,
    );
    timings.scaleToFourMs = Date.now() - startedAt;
    const since = Date.now();
    await waitFor(
      "frames from three distinct workers",
      () => new Set(frames.filter((f) => f.sentAt >= since).map((f) => f.worker)).size >= 3,
      10_000,
    );
  });

  it("Prometheus finds all four image workers through the mapper's directory, named by instance id", async () => {
    await waitFor(
      "four image-worker targets up, each with a load series",
      async () => {
        const up = await query('up{job="zmesh", service="image-worker"} == 1');
        const load = await query('zmesh_worker_load_ratio{service="image-worker"}');
        const ids = new Set(load.map((sample) => sample.metric.instance_id));
        return up.length === 4 && up.every((sample) => ids.has(sample.metric.instance));
      },
      60_000,
    );
    const directory = (await imageWorkers()).map((instance) => instance.id).sort();
    const targets = (await query('up{service="image-worker"}'))
      .map((sample) => sample.metric.instance)
      .sort();
    expect(targets).toEqual(directory);
  });

  it("every dashboard panel's query and every console graph's query returns data", async () => {
    const [dashboard, consoleGraphs] = [dashboardQueries(), consoleGraphQueries()];
    // Both lists read as meant (a format change would leave them empty and this test proving nothing).
    expect(Math.min(dashboard.length, consoleGraphs.length)).toBeGreaterThanOrEqual(5);
    for (const query of [...dashboard, ...consoleGraphs]) await expectData(query);
  });

  it("Prometheus serves the zmesh console and the classic graph, with zmesh data in them", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1900 } });
      const ids = (await imageWorkers()).map((instance) => instance.id).sort();
      const graphsDrawn = () =>
        [...document.querySelectorAll("[id$=Graph]")].every((graph) => graph.querySelector("svg path"));
      let rows: string[][] = [];
      // Columns: service, instance, scrape, load, jobs served, renders, job p99 ("-": a query found nothing).
      const imageWorkerRows = () =>
        rows
          .filter(([service]) => service === "image-worker")
          .map(([, instance, scrape, load, , renders]) => ({ instance, scrape, load, renders }))
          .sort((a, b) => String(a.instance).localeCompare(String(b.instance)));
      const expected = ids.map((instance) => ({
        instance,
        scrape: "up",
        load: expect.stringMatching(/%$/),
        renders: expect.stringMatching(/\/s$/),
      }));
      // A new replica's rates need two scrapes in the window: reload until every image worker has them.
      await waitFor(
        "every image worker in the console, scraped, with its load and render rate",
        async () => {
          await open(page, `/consoles/zmesh.html${LAST_FIVE_MINUTES}`, graphsDrawn);
          rows = await instanceRows(page);
          const workers = imageWorkerRows();
          return (
            workers.length === ids.length &&
            workers.every(
              (row, index) =>
                row.instance === ids[index] &&
                row.scrape === "up" &&
                /%$/.test(row.load ?? "") &&
                /\/s$/.test(row.renders ?? ""),
            )
          );
        },
        30_000,
      ).catch(() => {}); // the expectation below says what is missing
      expect(imageWorkerRows()).toEqual(expected);
      await page.screenshot({ path: resolve(ARTIFACTS, "prometheus-zmesh-console.png") });
      expect(rows.map(([service]) => service)).toEqual(
        expect.arrayContaining(["mapper", "gateway", "report-worker", "image-worker"]),
      );
      expect(await page.textContent(".prom_console_rhs")).toContain("image-worker up");

      const framesPerWorker =
        "sum by (instance) (rate(zmesh_worker_jobs_total{service='image-worker',exported_job='render',outcome='ok'}[1m]))";
      const graph = `/classic/graph?${new URLSearchParams({ "g0.expr": framesPerWorker, "g0.tab": "0", "g0.range_input": "2m" })}`;
      await page.setViewportSize({ width: 1400, height: 1000 });
      await open(page, graph, () => Boolean(document.querySelector(".graph_area svg path")));
      await page.screenshot({ path: resolve(ARTIFACTS, "prometheus-classic-graph.png") });
      const legend = await page.$$eval(".legend .label", (labels) =>
        labels.map((label) => label.textContent),
      );
      expect(legend.filter((label) => label?.includes("image-worker-"))).toHaveLength(4);
    } finally {
      await browser.close();
    }
  });

  it("docker kill of an image worker: the stream goes on and the directory drops it", async () => {
    const { stdout } = await compose("ps", "--quiet", "image-worker");
    const [victim] = stdout.trim().split("\n");
    await run("docker", ["kill", String(victim)]);
    const killedAt = Date.now();
    await waitFor("the directory to drop it", async () => (await imageWorkers()).length === 3, 15_000);
    await waitFor(
      "frames after the kill",
      () => frames.filter((f) => f.sentAt > killedAt).length >= 10,
      10_000,
    );
  });

  it("a restarted mapper has the whole directory again", async () => {
    const before = (await imageWorkers()).map((i) => i.id).sort();
    // Waits for the mapper's health check again, as `up` did.
    await container("mapper").restart({ timeout: 10 });
    await waitFor(
      "the directory whole again",
      async () => JSON.stringify((await imageWorkers()).map((i) => i.id).sort()) === JSON.stringify(before),
      30_000,
    );
    expect((await mesh()).services["report-worker"]).toHaveLength(1);
  });

  it("the README's container commands run as written on the same project, and `make down` leaves nothing behind but the keys", async () => {
    viewer?.close();
    // `make up` would recreate what testcontainers started (another compose invocation): start afresh.
    await stack?.down();
    stack = undefined;
    expect(await leftovers()).toEqual([]);
    const keySet = readFileSync(resolve(KEYS, "mapper.pub"), "utf8");
    const commands = readmeContainerCommands();
    expect(commands.at(-1)).toBe("make down");
    const outputs: string[] = [];
    const startedAt = Date.now();
    for (const command of commands) {
      const { stdout } = await run("bash", ["-c", command], {
        cwd: repoRoot,
        env: { ...process.env, ...composeEnv },
        timeout: 180_000,
      }).catch((error: { stdout?: string; stderr?: string }) => {
        throw new Error(`README command failed: ${command}\n${error.stdout ?? ""}${error.stderr ?? ""}`);
      });
      outputs.push(stdout);
    }
    timings.readmeCommandsMs = Date.now() - startedAt;
    // Each listing, from inside the stack and from this machine, shows the four image workers `make scale` asked for.
    const listings = outputs.filter((_, index) => /\bls$/.test(commands[index] ?? ""));
    expect(listings).toHaveLength(2);
    for (const listing of listings) expect(listing.match(/^image-worker +image-worker-/gm)).toHaveLength(4);
    // `make ps` shows every zmesh service healthy; `make logs` has the mapper saying CURVE on.
    const ps = outputs[commands.indexOf("make ps")] ?? "";
    for (const service of Object.keys(SERVICE_UIDS))
      expect(ps).toMatch(new RegExp(`-${service}-1 .*\\(healthy\\)`));
    expect(outputs[commands.indexOf("make logs")]).toMatch(/mapper-1 +\| .*"message":"CURVE on"/);
    expect(await leftovers()).toEqual([]);
    // The key set outlives `make down`: the same mapper key the stack started with.
    expect(readFileSync(resolve(KEYS, "mapper.pub"), "utf8")).toBe(keySet);
  });
});
