import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import {
  fakeRegistration,
  ProcessGroup,
  registerAll,
  repoRoot,
  startEchoWorker,
  startMapperProcess,
  waitFor,
} from "@zmesh/mesh/testing";

const run = promisify(execFile);
const CLI = resolve(repoRoot, "services/cli/bin/zmesh.js");
const group = new ProcessGroup();
afterAll(() => group.stopAll());

let mapperEndpoint: string;
let instanceId: string;
const zmesh = (...args: string[]) =>
  run(process.execPath, [CLI, ...args], { env: { ...process.env, MAPPER_ENDPOINT: mapperEndpoint } });

beforeAll(async () => {
  ({ endpoint: mapperEndpoint } = group.add(await startMapperProcess()));
  const started = group.add(await startEchoWorker(mapperEndpoint));
  instanceId = started.instanceId;
  await started.worker.waitForLog("registered");
});

describe("zmesh CLI", () => {
  it("ls prints a table, and --json the records", async () => {
    const table = await zmesh("ls");
    expect(table.stdout).toMatch(/^SERVICE\s+INSTANCE\s+STATE\s+LOAD/);
    expect(table.stdout).toContain(instanceId);
    const records = JSON.parse((await zmesh("ls", "--json")).stdout) as {
      instanceId: string;
      state: string;
    }[];
    expect(records.map((r) => [r.instanceId, r.state])).toEqual([[instanceId, "passing"]]);
  });

  it("call prints a JSON reply and writes a binary one to a file", async () => {
    const { stdout } = await zmesh("call", "echo", "sleep", '{"ms":1}');
    expect(JSON.parse(stdout)).toMatchObject({ slept: 1, by: instanceId });
    const out = join(mkdtempSync(join(tmpdir(), "zmesh-cli-")), "reply.bin");
    const binary = await zmesh("call", "echo", "noop", "--out", out);
    expect(binary.stdout).toContain(`application/octet-stream, 0 bytes written to ${out}`);
    expect(readFileSync(out)).toHaveLength(0);
  });

  it("watch shows the directory, then live changes", async () => {
    const child = execFile(process.execPath, [CLI, "watch", "--json"], {
      env: { ...process.env, MAPPER_ENDPOINT: mapperEndpoint },
    });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      await waitFor("the watcher to be subscribed", () => output.includes('"kind":"watching"'));
      const second = group.add(await startEchoWorker(mapperEndpoint));
      const line = await waitFor("a registered event", () =>
        output.split("\n").find((l) => l.includes('"registered"') && l.includes(second.instanceId)),
      );
      expect(JSON.parse(line)).toMatchObject({ kind: "registered", instance: { service: "echo" } });
    } finally {
      child.kill("SIGINT");
    }
  });

  it("explains bad usage and an absent mapper", async () => {
    await expect(zmesh("frobnicate")).rejects.toMatchObject({ code: 64 });
    await expect(zmesh("call", "echo")).rejects.toMatchObject({
      code: 64,
      stderr: expect.stringContaining("call needs <service> <job>"),
    });
    const absent = run(process.execPath, [CLI, "ls"], {
      env: { ...process.env, MAPPER_ENDPOINT: "tcp://127.0.0.1:9" },
    });
    await expect(absent).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("is a mapper running at tcp://127.0.0.1:9?"),
    });
  });

  it("checks MAPPER_ENDPOINT as the services do, naming it and what it allows", async () => {
    const bad = run(process.execPath, [CLI, "ls"], {
      env: { ...process.env, MAPPER_ENDPOINT: "localhost:5555" },
    });
    await expect(bad).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        'MAPPER_ENDPOINT: expected a ZeroMQ endpoint such as tcp://127.0.0.1:5555 (got "localhost:5555")',
      ),
    });
  });
});

describe("zmesh ls with 5,000 instances", () => {
  jest.setTimeout(60_000);
  let bigMapper: string;
  const ls = (...args: string[]) =>
    run(process.execPath, [CLI, "ls", ...args], {
      env: { ...process.env, MAPPER_ENDPOINT: bigMapper },
      maxBuffer: 64 << 20,
    });

  beforeAll(async () => {
    // Fake members never heartbeat: a long expiry keeps them listed.
    ({ endpoint: bigMapper } = group.add(
      await startMapperProcess({ HEARTBEAT_INTERVAL_MS: "1000", EXPIRY_INTERVALS: "100" }),
    ));
    const answers = await registerAll(
      bigMapper,
      Array.from({ length: 5000 }, (_, i) => fakeRegistration(i)),
    );
    expect(answers.every((answer) => answer === "ACK")).toBe(true);
  });

  it("prints a summary per service and the first rows; --all and --json print every instance", async () => {
    const summary = (await ls()).stdout;
    expect(summary).toMatch(/^SERVICE\s+INSTANCES\s+PASSING/);
    expect(summary).toMatch(/^image-worker\s+5000\s/m);
    expect(summary).toContain("… and 4950 more instances");
    expect((await ls("--all")).stdout.trimEnd().split("\n")).toHaveLength(5001);
    const records = JSON.parse((await ls("--json")).stdout) as unknown[];
    expect(records).toHaveLength(5000);
  });
});
