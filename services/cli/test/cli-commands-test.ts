import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
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
// The mappers here run without CURVE: the CLI must not pick up a key set lying in the checkout.
const PLAINTEXT = { ZMESH_INSECURE: "1" };
const CLI = resolve(repoRoot, "services/cli/bin/zmesh.js");
const group = new ProcessGroup();
afterAll(() => group.stopAll());

let mapperEndpoint: string;
let instanceId: string;
/** One argument for `sh -c`, quoted. */
const shellQuoted = (arg: string) => `'${arg.replace(/'/g, "'\\''")}'`;
const zmesh = (...args: string[]) =>
  run(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...PLAINTEXT, MAPPER_ENDPOINT: mapperEndpoint },
  });

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

  it("call prints a JSON reply, and --out writes one to the file it names", async () => {
    const { stdout } = await zmesh("call", "echo", "sleep", '{"ms":1}');
    expect(JSON.parse(stdout)).toMatchObject({ slept: 1, by: instanceId });
    const out = join(mkdtempSync(join(tmpdir(), "zmesh-cli-")), "reply.bin");
    const binary = await zmesh("call", "echo", "noop", "--out", out);
    expect(binary.stdout).toBe("");
    expect(binary.stderr).toBe(`application/octet-stream, 0 bytes, from ${instanceId}\nwritten to ${out}\n`);
    expect(readFileSync(out)).toHaveLength(0);
  });

  it("call, piped, writes the reply to stdout as it is and no file anywhere", async () => {
    const folder = mkdtempSync(join(tmpdir(), "zmesh-cli-"));
    const big = JSON.stringify({ text: "x".repeat(10_000) });
    const piped = await run(process.execPath, [CLI, "call", "echo", "echo", big], {
      cwd: folder,
      env: { ...process.env, ...PLAINTEXT, MAPPER_ENDPOINT: mapperEndpoint },
    });
    expect(piped.stdout).toBe(`${big}\n`);
    expect(piped.stderr).toBe("");
    expect(readdirSync(folder)).toEqual([]);
  });

  it("call, on a terminal, puts a binary or long reply in a new temporary file it names", async () => {
    const folder = mkdtempSync(join(tmpdir(), "zmesh-cli-"));
    const big = JSON.stringify({ text: "x".repeat(10_000), more: 1 });
    const onTerminal = (...args: string[]) =>
      run("script", ["-qec", [process.execPath, CLI, ...args].map(shellQuoted).join(" "), "/dev/null"], {
        cwd: folder,
        env: { ...process.env, ...PLAINTEXT, MAPPER_ENDPOINT: mapperEndpoint },
      });

    const long = (await onTerminal("call", "echo", "echo", big)).stdout.replace(/\r/g, "");
    expect(long).toContain(
      `application/json, ${big.length} bytes: an object with text, more, from ${instanceId}`,
    );
    const longFile = /written to (\S+\.json) {2}\(too long for the terminal/.exec(long)?.[1];
    expect(longFile && readFileSync(longFile, "utf8")).toBe(big);

    const binary = (await onTerminal("call", "echo", "noop")).stdout.replace(/\r/g, "");
    const binaryFile = /written to (\S+\.bin) {2}\(binary: --out FILE to choose, - to print\)/.exec(
      binary,
    )?.[1];
    expect(binaryFile && dirname(binaryFile)).toBe(tmpdir());
    expect(readdirSync(folder)).toEqual([]);

    const short = (await onTerminal("call", "echo", "sleep", '{"ms":1}')).stdout;
    expect(JSON.parse(short)).toMatchObject({ slept: 1 });
  });

  it("call names a service nobody serves, and a job the service does not know", async () => {
    await expect(zmesh("call", "nosuch", "job")).rejects.toMatchObject({
      code: 1,
      stderr: `zmesh call: no instance of nosuch is registered with the mapper at ${mapperEndpoint}\n  \`zmesh ls\` lists the services that are.\n`,
    });
    await expect(zmesh("call", "echo", "frob")).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('echo does not serve the job "frob".'),
    });
  });

  it("watch shows the directory, then live changes", async () => {
    const child = execFile(process.execPath, [CLI, "watch", "--json"], {
      env: { ...process.env, ...PLAINTEXT, MAPPER_ENDPOINT: mapperEndpoint },
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

  it("names an unknown command, an unknown flag and a missing value, with exit code 64", async () => {
    const usage = "Run 'zmesh --help' for usage.\n";
    await expect(zmesh("frob")).rejects.toMatchObject({
      code: 64,
      stderr: `zmesh: unknown command "frob"\n${usage}`,
    });
    await expect(zmesh("ls", "--frob")).rejects.toMatchObject({
      code: 64,
      stderr: `zmesh ls: unknown flag --frob\n${usage}`,
    });
    await expect(zmesh("ls", "--service")).rejects.toMatchObject({
      code: 64,
      stderr: `zmesh ls: flag --service needs a value\n${usage}`,
    });
    await expect(zmesh("call", "echo")).rejects.toMatchObject({
      code: 64,
      stderr: `zmesh call: needs <service> <job>\n${usage}`,
    });
    expect((await zmesh("--help")).stdout).toMatch(/^usage: zmesh <command>/);
  });

  it.each([["ls"], ["watch"], ["call", "echo", "sleep"]])(
    "%s names a mapper that does not answer, and exits 1",
    async (...args) => {
      const absent = run(process.execPath, [CLI, ...args], {
        env: { ...process.env, ...PLAINTEXT, MAPPER_ENDPOINT: "tcp://127.0.0.1:9" },
      });
      await expect(absent).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(
          new RegExp(`^zmesh ${args[0]}: no answer from the mapper at tcp://127\\.0\\.0\\.1:9 within 1 s\n`),
        ),
      });
    },
  );

  it("checks MAPPER_ENDPOINT as the services do, naming it and what it allows", async () => {
    const bad = run(process.execPath, [CLI, "ls"], {
      env: { ...process.env, ...PLAINTEXT, MAPPER_ENDPOINT: "localhost:5555" },
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
      env: { ...process.env, ...PLAINTEXT, MAPPER_ENDPOINT: bigMapper },
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
