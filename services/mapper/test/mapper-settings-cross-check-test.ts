import { ConfigError, loadConfig } from "@zmesh/mesh/service";
import { mapperConfigSchema } from "../src/config.js";

// Two binds on one port are refused before either is tried, naming both variables.

const refusal = (env: Record<string, string>) => {
  try {
    loadConfig(mapperConfigSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return "accepted";
};

describe("mapper settings, checked together", () => {
  it("refuse the events socket on the control socket's port", () => {
    expect(refusal({ MAPPER_BIND: "tcp://127.0.0.1:5555", MAPPER_EVENTS_BIND: "tcp://0.0.0.0:5555" })).toBe(
      "invalid configuration:\n" +
        '  MAPPER_EVENTS_BIND: must not take the same port as MAPPER_BIND (tcp://127.0.0.1:5555) (got "tcp://0.0.0.0:5555")',
    );
  });

  it("refuse metrics on a socket's port, and one ipc path for both sockets", () => {
    expect(refusal({ METRICS_PORT: "5556" })).toContain(
      "METRICS_PORT: must not take the same port as MAPPER_EVENTS_BIND (tcp://127.0.0.1:5556)",
    );
    expect(refusal({ MAPPER_BIND: "ipc:///tmp/m", MAPPER_EVENTS_BIND: "ipc:///tmp/m" })).toContain(
      "MAPPER_EVENTS_BIND: must not take the same port as MAPPER_BIND (ipc:///tmp/m)",
    );
  });

  it("accept any-port binds side by side, and the defaults", () => {
    expect(
      refusal({
        MAPPER_BIND: "tcp://127.0.0.1:0",
        MAPPER_EVENTS_BIND: "tcp://127.0.0.1:0",
        METRICS_PORT: "0",
      }),
    ).toBe("accepted");
    expect(refusal({})).toBe("accepted");
  });
});
