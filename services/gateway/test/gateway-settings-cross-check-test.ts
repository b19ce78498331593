import { ConfigError, loadConfig } from "@zmesh/mesh/service";
import { gatewayConfigSchema } from "../src/config.js";

// Settings that are each valid but wrong together are refused, naming both variables.

const refusal = (env: Record<string, string>) => {
  try {
    loadConfig(gatewayConfigSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return "accepted";
};

describe("gateway settings, checked together", () => {
  it("refuse a default stream faster than a client may ask for", () => {
    expect(refusal({ STREAM_FPS: "50", MAX_STREAM_FPS: "30" })).toBe(
      "invalid configuration:\n" +
        '  STREAM_FPS: must not exceed MAX_STREAM_FPS (30); raise MAX_STREAM_FPS or lower STREAM_FPS (got "50")',
    );
    expect(refusal({ STREAM_FPS: "40" })).toContain("STREAM_FPS: must not exceed MAX_STREAM_FPS (30)");
  });

  it("accept a default stream at the most a client may ask for", () => {
    expect(loadConfig(gatewayConfigSchema, { STREAM_FPS: "30", MAX_STREAM_FPS: "30" })).toMatchObject({
      STREAM_FPS: 30,
      MAX_STREAM_FPS: 30,
    });
  });
});
