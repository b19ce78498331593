import type { crossCheck as CrossCheck, LauncherConfig } from "../config.mjs";
import type { localProcesses as LocalProcesses, SERVICES as Services } from "../services.mjs";

// The launcher is plain ESM (run by node without a build): load it as such.
let crossCheck: typeof CrossCheck;
let localProcesses: typeof LocalProcesses;
let SERVICES: typeof Services;
beforeAll(async () => {
  ({ crossCheck } = await import("../config.mjs"));
  ({ localProcesses, SERVICES } = await import("../services.mjs"));
});

const defaults: LauncherConfig = {
  IMAGE_WORKERS: 2,
  MAPPERS: 1,
  GATEWAY_PORT: 8080,
  GATEWAY_HOST: "127.0.0.1",
  METRICS_PORT: 9100,
  MAPPER_ENDPOINT: "tcp://127.0.0.1:5555",
  MAPPER_BIND: "tcp://127.0.0.1:5555",
  MAPPER_EVENTS_BIND: "tcp://127.0.0.1:5556",
  LOG_FORMAT: "pretty",
  READY_TIMEOUT_S: 30,
  ZMESH_INSECURE: false,
  ZMESH_KEYS: ".zmesh/keys",
};

describe("the launcher's list of services", () => {
  it("expands to one process per replica, each with the next metrics port, the gateway on its own", () => {
    expect(localProcesses(defaults).map(({ name, env }) => [name, env.METRICS_PORT])).toEqual([
      ["mapper", "9100"],
      ["image-1", "9101"],
      ["image-2", "9102"],
      ["reports", "9103"],
      ["echo", "9104"],
      ["gateway", undefined],
    ]);
    expect(localProcesses(defaults)[2]?.env.WORKER_NAME).toBe("local-2");
  });

  it("puts every metrics port on 0 when METRICS_PORT is 0", () => {
    const ports = localProcesses({ ...defaults, METRICS_PORT: 0 }).map((p) => p.env.METRICS_PORT);
    expect(new Set(ports)).toEqual(new Set(["0", undefined]));
  });

  it("starts one mapper by default, and with MAPPERS=2 two, each member told of both", () => {
    expect(localProcesses(defaults).filter((p) => p.name.startsWith("mapper"))).toHaveLength(1);
    expect(localProcesses(defaults).every((p) => p.env.MAPPER_ENDPOINTS === undefined)).toBe(true);
    const processes = localProcesses({ ...defaults, MAPPERS: 2 });
    expect(processes.slice(0, 2)).toEqual([
      { name: "mapper-1", script: "services/mapper/dist/src/main.js", env: { METRICS_PORT: "9100" } },
      {
        name: "mapper-2",
        script: "services/mapper/dist/src/main.js",
        env: {
          MAPPER_BIND: "tcp://127.0.0.1:5557",
          MAPPER_EVENTS_BIND: "tcp://127.0.0.1:5558",
          METRICS_PORT: "9101",
        },
      },
    ]);
    for (const member of processes.slice(2))
      expect(member.env.MAPPER_ENDPOINTS).toBe("tcp://127.0.0.1:5555,tcp://127.0.0.1:5557");
  });

  it("takes a new worker type from one more entry", () => {
    const table = [...SERVICES, { name: "thumbs", script: "services/thumbs/dist/src/main.js" }];
    expect(localProcesses(defaults, table).at(-1)).toEqual({
      name: "thumbs",
      script: "services/thumbs/dist/src/main.js",
      env: { METRICS_PORT: "9105" },
    });
  });
});

describe("the launcher's cross-checks", () => {
  it("accept the defaults", () => {
    expect(crossCheck(defaults)).toEqual([]);
  });

  it("refuse metrics ports past 65535, counting every process", () => {
    expect(crossCheck({ ...defaults, METRICS_PORT: 65_532 })).toEqual([
      "METRICS_PORT: ports 65532-65536 are needed (one per process), past 65535",
    ]);
  });

  it("refuse a mapper that binds elsewhere than the processes dial", () => {
    expect(crossCheck({ ...defaults, MAPPER_ENDPOINT: "tcp://127.0.0.1:6000" })).toEqual([
      "MAPPER_ENDPOINT, MAPPER_BIND: the processes would dial tcp://127.0.0.1:6000 but the mapper binds tcp://127.0.0.1:5555",
    ]);
  });

  it("refuse several mappers on ipc, and a mapper replica's port another setting wants", () => {
    const ipc = {
      MAPPER_BIND: "ipc:///tmp/m",
      MAPPER_ENDPOINT: "ipc:///tmp/m",
      MAPPER_EVENTS_BIND: "ipc:///tmp/e",
    };
    expect(crossCheck({ ...defaults, ...ipc })).toEqual([]);
    expect(crossCheck({ ...defaults, ...ipc, MAPPERS: 2 })).toEqual([
      "MAPPERS, MAPPER_BIND, MAPPER_EVENTS_BIND: more than one mapper needs tcp binds (each next replica takes the next ports)",
    ]);
    expect(crossCheck({ ...defaults, MAPPERS: 2, GATEWAY_PORT: 5557 })).toEqual([
      "GATEWAY_PORT, MAPPER_BIND (one port per mapper): both want port 5557",
    ]);
  });

  it("refuse two settings that want the same port, naming both", () => {
    expect(crossCheck({ ...defaults, GATEWAY_PORT: 9102 })).toEqual([
      "GATEWAY_PORT, METRICS_PORT (5 ports from 9100 on, one per process): both want port 9102",
    ]);
    expect(crossCheck({ ...defaults, MAPPER_EVENTS_BIND: "tcp://127.0.0.1:5555" })).toEqual([
      "MAPPER_BIND, MAPPER_EVENTS_BIND: both want port 5555",
    ]);
  });
});
