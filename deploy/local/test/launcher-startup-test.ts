import { createServer, type Server } from "node:net";
import { freeLauncherSettings } from "./support/launcher-ports.js";
import { alive, LauncherProcess } from "./support/launcher-process.js";

// make run during start-up: a failure stops everything and says why in the last lines.
let launcher: LauncherProcess | undefined;
let squatter: Server | undefined;
afterEach(async () => {
  await launcher?.stop();
  await new Promise((done) => (squatter ? squatter.close(done) : done(undefined)));
  squatter = undefined;
});

test("a gateway port in use stops every process, with exit code 1 and the cause as the last lines", async () => {
  const settings = await freeLauncherSettings(2);
  const base = Number(settings.GATEWAY_PORT);
  // Holds the gateway's port; hangs up on whoever connects (the launcher polling /readyz).
  squatter = createServer((socket) => socket.destroy());
  await new Promise<void>((listening) => squatter?.listen(base, "127.0.0.1", listening));
  launcher = new LauncherProcess(settings);

  expect(await launcher.exited).toEqual({ code: 1, signal: null });
  const lines = launcher.stdout.filter((line) => line !== "");
  const cause = lines.indexOf("zmesh did not start: gateway exited (code 2) before zmesh was ready.");
  expect(cause).toBeGreaterThan(0);
  // The gateway's own last lines follow, its complaint last (a "CURVE on" line may come before it).
  expect(lines[cause + 1]).toBe("Its last lines:");
  expect(lines.at(-1)).toBe(`  address in use: ${base} (GATEWAY_PORT); set GATEWAY_PORT to a free port`);
  expect(launcher.stdout).not.toContainEqual(expect.stringMatching(/^zmesh is running/));
  const pids = [...launcher.startedPids().values()].flat();
  expect(pids).toHaveLength(6);
  expect(pids.filter(alive)).toEqual([]);
});

test("a bad setting stops the launcher before any process starts, naming the variable", async () => {
  launcher = new LauncherProcess({ IMAGE_WORKERS: "abc" });

  expect(await launcher.exited).toEqual({ code: 2, signal: null });
  expect(launcher.stderr.join("\n")).toContain('IMAGE_WORKERS: expected an integer from 1 to 64 (got "abc")');
  expect(launcher.stdout.filter((line) => line !== "")).toEqual([]);
});

test("settings that clash stop the launcher before any process starts, naming both variables", async () => {
  launcher = new LauncherProcess({ GATEWAY_PORT: "9101", METRICS_PORT: "9100" });

  expect(await launcher.exited).toEqual({ code: 2, signal: null });
  expect(launcher.stderr.join("\n")).toContain("GATEWAY_PORT, METRICS_PORT");
  expect(launcher.stderr.join("\n")).toContain("both want port 9101");
  expect(launcher.stdout.filter((line) => line !== "")).toEqual([]);
});
