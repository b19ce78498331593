import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { waitFor } from "@zmesh/mesh/testing";
import type { MeshResponse } from "../../services/gateway/src/gateway-api.js";
import { readmeSectionCommands } from "./support/readme-commands.js";
import {
  addressOf,
  containersOf,
  docker,
  GATEWAY,
  leftovers,
  listDirectory,
  repoRoot,
  run,
  STACK,
  scrapeTargets,
  swarmScript,
  swarmState,
  volumes,
} from "./swarm/swarm-stack.js";
import { ViewerRecord } from "./swarm/viewer-record.js";

// The stack on a one-node Docker Swarm made by the test, deployed as `make swarm-up` does
// (deploy/swarm/swarm.sh): replicas, a rolling update and a killed mapper, watched by a viewer.
// The figures (frame gaps, time to first frame and to four workers) are logged, not asserted.

const work = mkdtempSync(join(tmpdir(), "zmesh-swarm-"));
/** The stack's own key set and settings: nothing of a developer's `make swarm-up` is used. */
const env = {
  SWARM_KEYS: join(work, "keys"),
  SWARM_MARK: join(work, "swarm-made-by-make"),
  GATEWAY_PUBLISH_PORT: "28080",
  PROMETHEUS_PUBLISH_PORT: "29090",
};
const figures: Record<string, number | string> = {};
let madeSwarm = false;
let volumesBefore: string[] = [];
let viewer: ViewerRecord;

const mesh = async () => (await (await fetch(`${GATEWAY}/api/mesh`)).json()) as MeshResponse;
const passingImageWorkers = async () =>
  (await mesh()).services["image-worker"]?.filter(({ state }) => state === "passing").length ?? 0;
/** How many times each value occurs, keys in sorted order (so two counts compare as JSON). */
function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of [...values].sort()) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

beforeAll(async () => {
  if ((await swarmState()) !== "active") {
    await docker("swarm", "init", "--advertise-addr", "127.0.0.1");
    madeSwarm = true;
  }
  volumesBefore = await volumes();
  // Built first, so the time below is the deployment's, not the build's.
  let startedAt = Date.now();
  await run("docker", ["compose", "build"]);
  figures.buildMs = Date.now() - startedAt;
  viewer = new ViewerRecord(GATEWAY);
  let deployAt = 0;
  startedAt = Date.now();
  await swarmScript(["up"], env, (line) => {
    if (line.startsWith("+ docker stack deploy")) deployAt = Date.now();
  });
  figures.swarmUpMs = Date.now() - startedAt;
  await waitFor("the first frame", () => viewer.arrivals.length > 0, 60_000);
  figures.deployToFirstFrameMs = (viewer.arrivals[0]?.at as number) - deployAt;
  viewer.watchConnectErrors();
});

afterAll(async () => {
  viewer?.close();
  try {
    if ((await leftovers()).length > 0) await swarmScript(["down"], env);
  } finally {
    if (madeSwarm) await docker("swarm", "leave", "--force");
    rmSync(work, { recursive: true, force: true });
    const artifacts = resolve(repoRoot, "test-artifacts");
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(join(artifacts, "swarm-figures.json"), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`Swarm figures:\n${JSON.stringify(figures, null, 2)}`);
  }
});

test("deployed by make swarm-up: a viewer on the published gateway port gets JPEG frames from both image workers", async () => {
  await waitFor(
    "frames from two image workers",
    () => viewer.workersBetween(0, Date.now()).size >= 2,
    30_000,
  );
  const jpeg = viewer.arrivals.at(-1)?.jpeg as Buffer;
  expect([...jpeg.subarray(0, 2)]).toEqual([0xff, 0xd8]);
  expect((await containersOf("mapper")).length).toBe(2);
});

test("docker service scale to four image workers: four in the directory, frames from at least three", async () => {
  const startedAt = Date.now();
  await docker("service", "scale", "--detach", `${STACK}_image-worker=4`);
  await waitFor(
    "four image workers in the directory",
    async () => (await passingImageWorkers()) === 4,
    60_000,
  );
  figures.scaleToFourInDirectoryMs = Date.now() - startedAt;
  await waitFor(
    "frames from three image workers since the scale",
    () => viewer.workersBetween(startedAt, Date.now()).size >= 3,
    30_000,
  );
  expect(viewer.workersBetween(startedAt, Date.now()).size).toBeGreaterThanOrEqual(3);
});

test("Prometheus scrapes every replica: two mappers, four image workers, the report worker, the gateway", async () => {
  const expected = { gateway: 1, "image-worker": 4, mapper: 2, "report-worker": 1 };
  await waitFor(
    "every replica scraped and up",
    async () => {
      const targets = await scrapeTargets();
      const up = countBy(targets.filter(({ health }) => health === "up").map(({ service }) => service));
      return targets.length === 8 && JSON.stringify(up) === JSON.stringify(expected);
    },
    60_000,
  );
  const targets = await scrapeTargets();
  expect(countBy(targets.map(({ service }) => service))).toEqual(expected);
  expect(targets.every(({ health }) => health === "up")).toBe(true);
});

test("a rolling update of image-worker (docker service update --force): frames keep coming, then from new tasks", async () => {
  const before = await containersOf("image-worker");
  const startedAt = Date.now();
  await docker("service", "update", "--force", "--detach=false", `${STACK}_image-worker`);
  const endedAt = Date.now();
  figures.rollingUpdateMs = endedAt - startedAt;
  figures.rollingUpdateLargestGapMs = viewer.largestGap(startedAt, endedAt);
  figures.rollingUpdateFrames = viewer.between(startedAt, endedAt).length;
  figures.rollingUpdateTroubles = viewer.troublesBetween(startedAt, endedAt).length;
  // Every task was replaced, one at a time, while frames went on arriving.
  const after = await containersOf("image-worker");
  expect(after).toHaveLength(4);
  expect(after.filter((id) => before.includes(id))).toEqual([]);
  expect(viewer.between(startedAt, endedAt).length).toBeGreaterThan(0);
  const newWorkers = () => [...viewer.workersBetween(endedAt, Date.now())];
  await waitFor("frames from three of the new tasks", () => newWorkers().length >= 3, 30_000);
  const oldWorkers = viewer.workersBetween(0, startedAt);
  expect(newWorkers().filter((worker) => oldWorkers.has(worker))).toEqual([]);
});

test("one of two mappers killed: frames go on, the CLI lists the whole directory, the new mapper has all of it", async () => {
  const wholeDirectory = { "image-worker": 4, "report-worker": 1 };
  const [killed, survivor] = await containersOf("mapper");
  const keys = env.SWARM_KEYS;
  const killedAt = Date.now();
  await docker("kill", killed as string);
  const listing = await listDirectory(keys);
  expect(countBy(listing.map(({ service }) => service))).toEqual(wholeDirectory);
  // Swarm starts a new task in its place; it learns every member from their next heartbeats.
  await waitFor(
    "a new mapper task with the whole directory",
    async () => {
      const replacement = (await containersOf("mapper")).find((id) => id !== survivor && id !== killed);
      if (replacement === undefined) return false;
      const own = await listDirectory(keys, `tcp://${await addressOf(replacement)}:5555`).catch(() => []);
      return JSON.stringify(countBy(own.map(({ service }) => service))) === JSON.stringify(wholeDirectory);
    },
    60_000,
  );
  figures.mapperKilledToReplacementWholeMs = Date.now() - killedAt;
  const endedAt = Date.now();
  figures.mapperKillLargestGapMs = viewer.largestGap(killedAt, endedAt);
  figures.mapperKillFrames = viewer.between(killedAt, endedAt).length;
  figures.mapperKillTroubles = viewer.troublesBetween(killedAt, endedAt).length;
  expect(viewer.between(killedAt, endedAt).length).toBeGreaterThan(0);
  expect(countBy((await listDirectory(keys)).map(({ service }) => service))).toEqual(wholeDirectory);
});

test("make swarm-down (docker stack rm) leaves no service, container, network, secret, config or volume", async () => {
  viewer.close();
  const startedAt = Date.now();
  await swarmScript(["down"], env);
  figures.stackRmMs = Date.now() - startedAt;
  expect(await leftovers()).toEqual([]);
  expect((await volumes()).filter((volume) => !volumesBefore.includes(volume))).toEqual([]);
  // The test made the swarm, not swarm.sh: it is left by the test, not by `down`.
  expect(await swarmState()).toBe("active");
});

test("the README's Swarm commands work as written (the default stack, its own key set)", async () => {
  const keys = join(work, "readme-keys");
  // As a user types them from the checkout; only the key set's place is the test's own.
  const commands = readmeSectionCommands("On Docker Swarm").map((command) =>
    command.replaceAll("$PWD/.zmesh/keys", keys),
  );
  expect(commands[0]).toBe("make swarm-up");
  expect(commands.at(-1)).toBe("make swarm-down");
  const outputs: string[] = [];
  for (const command of commands) {
    const { stdout } = await run("sh", ["-c", command], {
      SWARM_KEYS: keys,
      SWARM_MARK: join(work, "readme-mark"),
    });
    outputs.push(stdout);
  }
  // `zmesh ls` from inside the stack lists the four image workers `make swarm-scale N=4` asked for.
  const listing = outputs[commands.findIndex((command) => command.includes("zmesh.js ls"))] ?? "";
  expect(listing.split("\n").filter((line) => line.startsWith("image-worker"))).toHaveLength(4);
  expect(outputs[commands.indexOf("docker service ls")]).toContain("zmesh_mapper");
  expect(await leftovers("zmesh")).toEqual([]);
});
