import {
  type LogLine,
  MAPPER_SCRIPT,
  metricValue,
  ServiceProcess,
  startEchoWorker,
  startMapperProcess,
  temporaryKeySet,
  useCleanup,
} from "../testing/mod.js";

// Plaintext only when asked for, and never quietly: each process says at start-up how its sockets
// are secured, in its log and in zmesh_insecure.

const { group } = useCleanup();
const keySet = temporaryKeySet(["echo"]);
afterAll(() => keySet.remove());

const insecureWarning = (line: LogLine) =>
  line.level === "warn" && String(line.message).startsWith("INSECURE");

/** A service's zmesh_insecure, read from the port its "metrics listening" line names. */
async function insecureGauge(service: ServiceProcess): Promise<number | undefined> {
  const { port } = await service.waitForLog("metrics listening");
  return metricValue(`http://127.0.0.1:${port}/metrics`, "zmesh_insecure");
}

describe("how a service's sockets are secured", () => {
  jest.setTimeout(30_000);

  it("with ZMESH_INSECURE=1: an INSECURE warning at start-up and zmesh_insecure 1", async () => {
    const { mapper, endpoint } = group.add(await startMapperProcess({ ZMESH_INSECURE: "1" }));
    const { worker } = group.add(await startEchoWorker(endpoint, { ZMESH_INSECURE: "1" }));
    await worker.waitForLog("registered");

    for (const service of [mapper, worker]) {
      await service.waitForLine("an INSECURE warning", insecureWarning);
      expect(await insecureGauge(service)).toBe(1);
      expect(service.logs.some((line) => line.message === "CURVE on")).toBe(false);
    }
  });

  it("with a key set: a CURVE on line naming its key, zmesh_insecure 0 and no warning", async () => {
    const { mapper, endpoint } = group.add(await startMapperProcess(keySet.env));
    const { worker } = group.add(await startEchoWorker(endpoint, keySet.env));
    await worker.waitForLog("registered");

    for (const [service, key] of [
      [mapper, "mapper"],
      [worker, "echo"],
    ] as const) {
      expect(await service.waitForLog("CURVE on")).toMatchObject({
        key,
        keys: keySet.dir,
        publicKey: keySet.keys(key).own.publicKey,
      });
      expect(await insecureGauge(service)).toBe(0);
      expect(service.logs.some(insecureWarning)).toBe(false);
    }
  });

  it("with neither (no key set where ZMESH_KEYS points): stops at once, saying what to do", async () => {
    const mapper = new ServiceProcess(MAPPER_SCRIPT, {
      ZMESH_INSECURE: "0",
      ZMESH_KEYS: `${keySet.dir}/missing`,
      MAPPER_BIND: "tcp://127.0.0.1:0",
      MAPPER_EVENTS_BIND: "tcp://127.0.0.1:0",
      METRICS_PORT: "0",
    });
    group.add({ mapper });

    expect(await mapper.exited).toEqual({ code: 2, signal: null });
    const said = mapper.stderr.join("");
    expect(said).toContain("ZMESH_KEYS");
    expect(said).toContain("npx zmesh keys init");
    expect(said).toContain("ZMESH_INSECURE=1");
  });
});
