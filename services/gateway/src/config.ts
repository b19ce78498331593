import { flagSetting, intSetting, memberSettings, portSetting } from "@zmesh/mesh/service";
import { z } from "zod";

/** Every setting of the gateway, read and checked once at start-up (documented in .env.example). */
export const gatewayConfigSchema = z
  .object({
    ...memberSettings,
    GATEWAY_HOST: z.string().min(1).default("127.0.0.1"),
    GATEWAY_PORT: portSetting(8080),
    /** Frame rate of the default stream every viewer gets on connecting. */
    STREAM_FPS: intSetting(1, 60, 10),
    /** Highest frame rate a client may ask for with `subscribe`. */
    MAX_STREAM_FPS: intSetting(1, 60, 30),
    /** How long a frame render may take before the tick is given up, in ms. */
    RENDER_TIMEOUT_MS: intSetting(10, 10_000, 1000),
    /** Socket.IO connections (each one stream) one remote address may hold at once. */
    MAX_CONNECTIONS_PER_ADDRESS: intSetting(1, 10_000, 10),
    /** `subscribe` messages a client may send per second, and in one burst (token bucket). */
    SUBSCRIBE_RATE_PER_S: intSetting(1, 1000, 2),
    SUBSCRIBE_BURST: intSetting(1, 1000, 5),
    /**
     * Take the client's address from the last X-Forwarded-For entry (the one our own proxy added).
     * Only behind a proxy that sets it: otherwise any client could claim any address.
     */
    TRUST_FORWARDED_FOR: flagSetting(false),
    /** Heartbeat intervals without a directory event after which the gateway is not ready. */
    READY_STALE_INTERVALS: intSetting(2, 100, 5),
    /** Consecutive failed frame renders after which the gateway is not ready (until one succeeds). */
    READY_FAILED_RENDERS: intSetting(1, 1000, 5),
  })
  .superRefine((config, context) => {
    // The default stream is one a client could not ask for itself past MAX_STREAM_FPS.
    if (config.STREAM_FPS > config.MAX_STREAM_FPS)
      context.addIssue({
        code: "custom",
        path: ["STREAM_FPS"],
        message: `must not exceed MAX_STREAM_FPS (${config.MAX_STREAM_FPS}); raise MAX_STREAM_FPS or lower STREAM_FPS`,
      });
  });

/** The gateway's settings, checked and with their defaults. */
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
