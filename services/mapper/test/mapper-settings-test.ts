import { createServer, type Server } from "node:net";
import { MAPPER_SCRIPT, ServiceProcess, useCleanup } from "@zmesh/mesh/testing";

// A port in use stops the mapper naming the setting that chose that port, not another bind's.

const { group } = useCleanup();
const held: Server[] = [];
afterEach(() => {
  for (const server of held.splice(0)) server.close();
});

/** A port on 127.0.0.1 that this test keeps busy. */
function holdPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      held.push(server);
      resolve((server.address() as { port: number }).port);
    });
  });
}

async function startMapperWith(env: Record<string, string>) {
  const { mapper } = group.add({
    mapper: new ServiceProcess(MAPPER_SCRIPT, {
      MAPPER_BIND: "tcp://127.0.0.1:0",
      MAPPER_EVENTS_BIND: "tcp://127.0.0.1:0",
      METRICS_PORT: "0",
      ...env,
    }),
  });
  const exit = await mapper.exited;
  return { code: exit.code, stderr: mapper.stderr.join("") };
}

describe("mapper settings", () => {
  it("blames METRICS_PORT when the metrics port is in use", async () => {
    const port = await holdPort();
    const { code, stderr } = await startMapperWith({ METRICS_PORT: String(port) });
    expect(code).toBe(2);
    expect(stderr).toBe(`address in use: ${port} (METRICS_PORT); set METRICS_PORT to a free port\n`);
  });

  it("blames MAPPER_EVENTS_BIND when the events port is in use, not MAPPER_BIND", async () => {
    const port = await holdPort();
    const endpoint = `tcp://127.0.0.1:${port}`;
    const { code, stderr } = await startMapperWith({ MAPPER_EVENTS_BIND: endpoint });
    expect(code).toBe(2);
    expect(stderr).toBe(
      `address in use: ${endpoint} (MAPPER_EVENTS_BIND); set MAPPER_EVENTS_BIND to a free port\n`,
    );
  });

  it("names a bad setting and what it allows", async () => {
    const { code, stderr } = await startMapperWith({ MAPPER_MAX_INSTANCES: "lots" });
    expect(code).toBe(2);
    expect(stderr).toContain('MAPPER_MAX_INSTANCES: expected an integer from 1 to 1000000 (got "lots")');
  });
});
