#!/usr/bin/env node
// Runs the whole mesh on 127.0.0.1 as plain processes, with one prefixed log stream (`make run`).
// Start-up: if any process exits before the gateway's /readyz answers 200 (or that takes too long),
// everything stops and the cause is printed last. After that, an exited process is restarted with
// backoff, like compose's `restart: unless-stopped`. Ctrl-C (or SIGTERM) stops everything in order.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadLauncherConfig } from "./config.mjs";
import { securityEnv } from "./keys.mjs";
import { linePrefix, prettyLine, wantsColour } from "./log-format.mjs";
import { waitUntilReady } from "./readiness.mjs";
import { localProcesses, mapperEndpointsEnv } from "./services.mjs";
import { SupervisedProcess } from "./supervised-process.mjs";
import { Supervisor } from "./supervisor.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const config = loadLauncherConfig(process.env);
const write = (/** @type {string} */ text) => process.stdout.write(text);

const services = localProcesses(config);
const security = securityEnv(root, config);

const colour = wantsColour(process.stdout, process.env);
const width = Math.max(...services.map((service) => service.name.length));
const processes = services.map(
  (service, index) =>
    new SupervisedProcess({
      name: service.name,
      script: resolve(root, service.script),
      env: { ...process.env, ...security, ...service.env },
      prefix: linePrefix(service.name, index, width, colour),
      format: config.LOG_FORMAT === "json" ? (line) => line : prettyLine,
      write,
      onExit: (service, code, signal) => supervisor.handleExit(service, code, signal),
    }),
);
const supervisor = new Supervisor(
  processes,
  (why) => stop("a process exited during start-up", 1, why),
  config.MAPPERS,
);

/**
 * Stops everything; `why`, if given, is printed after every process has exited, as the last lines.
 * @param {string} reason @param {number} code @param {string[]} [why]
 */
async function stop(reason, code, why = []) {
  if (supervisor.phase === "stopping") return;
  process.exitCode = code;
  write(`\nstopping (${reason})...\n`);
  await supervisor.stopAll();
  if (why.length) write(`\nzmesh did not start: ${why.join("\n")}\n`);
  process.exit(code);
}

process.on("SIGINT", () => onSignal("Ctrl-C"));
process.on("SIGTERM", () => onSignal("SIGTERM"));
process.on("exit", () => supervisor.killAll());

/** The first signal stops everything in order; a second one kills what is left. @param {string} name */
function onSignal(name) {
  if (supervisor.phase === "stopping") {
    write("second signal: killing what is left\n");
    supervisor.killAll();
    return;
  }
  void stop(name, 0);
}

supervisor.startAll();
const host = ["0.0.0.0", "::"].includes(config.GATEWAY_HOST) ? "127.0.0.1" : config.GATEWAY_HOST;
const url = `http://${host}:${config.GATEWAY_PORT}/`;
const readiness = await waitUntilReady(
  `${url}readyz`,
  config.READY_TIMEOUT_S * 1000,
  () => supervisor.phase === "stopping",
);
if (readiness.ready) {
  supervisor.markRunning();
  const replicas = mapperEndpointsEnv(config).MAPPER_ENDPOINTS;
  // Any one replica lists the whole directory; MAPPER_ENDPOINTS makes the CLI ask them all.
  const mapperLine = replicas
    ? `mappers ${replicas} (MAPPER_ENDPOINTS=${replicas})`
    : `mapper ${config.MAPPER_ENDPOINT}`;
  write(
    `\nzmesh is running: open ${url}\n` +
      `  ${mapperLine}; ${services.map((service) => service.name).join(", ")}\n` +
      "  npx zmesh ls                                        list the directory\n" +
      "  npx zmesh call image-worker render --out frame.jpg   one frame from the mesh\n" +
      "  npx zmesh call echo sleep '{\"ms\":5}'                 one job, its reply printed\n" +
      "A process that exits is restarted. Ctrl-C stops everything.\n\n",
  );
} else if (supervisor.phase !== "stopping") {
  await stop("not ready in time", 1, [
    `the gateway's ${url}readyz did not answer 200 within ${config.READY_TIMEOUT_S} s (READY_TIMEOUT_S).`,
    `Its last answer: ${readiness.lastAnswer}`,
  ]);
}
