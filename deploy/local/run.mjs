#!/usr/bin/env node
// Runs the whole mesh on 127.0.0.1 as plain processes, with one prefixed log stream.
// Ctrl-C (or SIGTERM) stops every process gracefully; if one dies at start-up, all stop.
import { spawn } from "node:child_process";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const env = process.env;
const imageWorkers = Number(env.IMAGE_WORKERS ?? 2);
const gatewayPort = env.GATEWAY_PORT ?? "8080";
const rawLogs = env.LOG_FORMAT === "json";

// Each process's metrics on its own port: the mapper on METRICS_PORT (9100), image workers from 9101 on.
const metricsBase = Number(env.METRICS_PORT ?? 9100);
const services = [
  { name: "mapper", script: "services/mapper/dist/src/main.js", env: { METRICS_PORT: String(metricsBase) } },
  ...Array.from({ length: imageWorkers }, (_, i) => ({
    name: `image-${i + 1}`,
    script: "services/image-worker/dist/src/main.js",
    env: { WORKER_NAME: `local-${i + 1}`, METRICS_PORT: String(metricsBase + 1 + i) },
  })),
  {
    name: "reports",
    script: "services/report-worker/dist/src/main.js",
    env: { METRICS_PORT: String(metricsBase + 1 + imageWorkers) },
  },
  { name: "gateway", script: "services/gateway/dist/src/main.js", env: { GATEWAY_PORT: gatewayPort } },
];

const COLORS = [36, 33, 32, 35, 34, 31];
const width = Math.max(...services.map((s) => s.name.length));
const children = [];
let stopping = false;

function pretty(line) {
  if (rawLogs) return line;
  try {
    const { timestamp, level, message, service, instance, ...rest } = JSON.parse(line);
    const extras = Object.entries(rest).map(
      ([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`,
    );
    return `${String(timestamp).slice(11, 23)} ${level.padEnd(5)} ${message}${extras.length ? `  ${extras.join(" ")}` : ""}`;
  } catch {
    return line;
  }
}

function start({ name, script, env: extra }, index) {
  // Own process group: a terminal's Ctrl-C reaches only this runner, which stops each child once, in order.
  const child = spawn(process.execPath, [resolve(root, script)], {
    env: { ...env, ...extra },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const prefix = `\x1b[${COLORS[index % COLORS.length]}m${name.padEnd(width)} |\x1b[0m `;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) =>
      process.stdout.write(`${prefix}${pretty(line)}\n`),
    );
  }
  child.on("exit", (code, signal) => {
    process.stdout.write(`${prefix}exited (${signal ?? `code ${code}`})\n`);
    if (!stopping) stop(`${name} exited`, 1);
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null))
      process.exit(process.exitCode ?? 0);
  });
  children.push(child);
}

const running = (child) => child.exitCode === null && child.signalCode === null;

/** Workers first (they deregister and drain), the mapper last. */
async function stop(reason, code = 0) {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  process.stdout.write(`\nstopping (${reason})...\n`);
  setTimeout(() => {
    for (const child of children) if (running(child)) child.kill("SIGKILL");
  }, 20_000).unref();
  // The mapper was started first (services[0]); the members stop before it so they can deregister.
  const [mapper, ...members] = children;
  const live = members.filter(running);
  await Promise.all(live.map((child) => new Promise((done) => child.once("exit", done).kill("SIGTERM"))));
  if (mapper && running(mapper)) mapper.kill("SIGTERM");
}

services.forEach(start);
process.stdout.write(
  `\nzmesh is running: open http://127.0.0.1:${gatewayPort}/\n` +
    `  mapper ${env.MAPPER_ENDPOINT ?? "tcp://127.0.0.1:5555"}, ${imageWorkers} image workers, report worker, gateway\n` +
    "  npx zmesh ls                                        list the directory\n" +
    "  npx zmesh call image-worker render --out frame.jpg   one frame from the mesh\n" +
    "Ctrl-C stops everything.\n\n",
);
process.on("SIGINT", () => stop("Ctrl-C"));
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("exit", () => {
  for (const child of children) if (running(child)) child.kill("SIGKILL");
});
