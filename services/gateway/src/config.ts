import { intSetting, memberSettings, portSetting } from "@zmesh/mesh";
import { z } from "zod";

/** Every setting of the gateway, read and checked once at start-up (documented in .env.example). */
export const gatewayConfigSchema = z.object({
  ...memberSettings,
  GATEWAY_HOST: z.string().min(1).default("127.0.0.1"),
  GATEWAY_PORT: portSetting(8080),
  /** Frame rate of the default stream every viewer gets on connecting. */
  STREAM_FPS: intSetting(1, 60, 10),
  /** Highest frame rate a client may ask for with `subscribe`. */
  MAX_STREAM_FPS: intSetting(1, 60, 30),
  /** How long a frame render may take before the tick is given up, in ms. */
  RENDER_TIMEOUT_MS: intSetting(10, 10_000, 1000),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
