import { z } from "zod";
import type { SubscribeRequest } from "../gateway-api.js";

/**
 * What a client may send with `subscribe` (a SubscribeRequest), checked before anything else
 * happens: the event's type says what a client should send, this says what it did.
 *
 * @example
 * ```ts
 * const parsed = subscriptionSchema(30).safeParse({ stream: "main", fps: 60 });
 * parsed.success; // false: "fps: at most 30"
 * ```
 */
export function subscriptionSchema(maxFps: number) {
  return z.object({
    stream: z.string().regex(/^[a-z0-9-]{1,32}$/, "stream: 1-32 of a-z, 0-9 and '-'"),
    fps: z
      .number({ message: "fps: a number" })
      .int("fps: an integer")
      .min(1, "fps: at least 1")
      .max(maxFps, `fps: at most ${maxFps}`)
      .optional(),
  }) satisfies z.ZodType<SubscribeRequest>;
}
