import { waitFor } from "@zmesh/mesh/testing";
import type { MeshResponse } from "../../../services/gateway/src/gateway-api.js";
import { freeLauncherSettings } from "./support/launcher-ports.js";
import { alive, LauncherProcess } from "./support/launcher-process.js";

// make run after start-up: a killed process comes back, and Ctrl-C still stops everything.

let launcher: LauncherProcess | undefined;
afterEach(() => launcher?.stop());

test("a SIGKILLed image worker is restarted, and Ctrl-C then stops every process with exit code 0", async () => {
  const settings = await freeLauncherSettings(2);
  const base = Number(settings.GATEWAY_PORT);
  launcher = new LauncherProcess({ ...settings, LOG_FORMAT: "json" });
  const running = launcher;
  await running.waitForLine(/^zmesh is running: open http:\/\/127\.0\.0\.1:\d+\/$/, 45_000);
  const [killedPid] = running.startedPids().get("image-1") ?? [];
  expect(killedPid).toBeDefined();

  process.kill(killedPid as number, "SIGKILL");
  const exit = await running.waitForLine(/^image-1 \| exited \(SIGKILL\); restarting in 0\.5 s$/);
  const restart = await running.waitForLine(/^image-1 \| started \(pid \d+\)$/, 10_000, exit.index);
  const newPid = running.startedPids().get("image-1")?.[1];
  expect(newPid).not.toBe(killedPid);
  expect(alive(newPid as number)).toBe(true);

  // The new process registers (on a new job port), and the gateway's directory follows it.
  const registered = await running.waitForLine(
    /^image-1 \| \{.*"message":"registered"/,
    15_000,
    restart.index,
  );
  const { endpoint } = JSON.parse(registered.line.replace(/^image-1 \| /, "")) as { endpoint: string };
  await waitFor("the gateway to list the restarted worker's endpoint", async () => {
    const mesh = (await (await fetch(`http://127.0.0.1:${base}/api/mesh`)).json()) as MeshResponse;
    return mesh.services["image-worker"]?.some(
      (instance) => instance.id === "image-worker-local-1" && instance.endpoint === endpoint,
    );
  });
  expect(running.running).toBe(true);

  running.child.kill("SIGINT");
  expect(await running.exited).toEqual({ code: 0, signal: null });
  const pids = [...running.startedPids().values()].flat();
  expect(pids).toHaveLength(7);
  expect(pids.filter(alive)).toEqual([]);
  // Each exited cleanly after the stop began, the mapper last (members deregister first).
  const stopping = running.stdout.indexOf("stopping (Ctrl-C)...");
  expect(stopping).toBeGreaterThan(restart.index);
  const exits = running.stdout.slice(stopping).filter((line) => / \| exited /.test(line));
  expect(exits.map((line) => line.replace(/\s+\|/, " |")).sort()).toEqual(
    ["echo", "gateway", "image-1", "image-2", "mapper", "reports"].map((name) => `${name} | exited (code 0)`),
  );
  expect(exits.at(-1)).toMatch(/^mapper /);
  // Its output went to a pipe: no colour codes, from it or from any process.
  expect(running.stdout.filter((line) => line.includes("\x1b"))).toEqual([]);
});
