import { z } from "zod";
import type { RefusalReason } from "../clients/refusals.js";

/** What a client may send with `subscribe`: checked before anything else happens. */
export function subscriptionSchema(maxFps: number) {
  return z.object({
    stream: z.string().regex(/^[a-z0-9-]{1,32}$/, "stream: 1-32 of a-z, 0-9 and '-'"),
    fps: z
      .number({ message: "fps: a number" })
      .int("fps: an integer")
      .min(1, "fps: at least 1")
      .max(maxFps, `fps: at most ${maxFps}`)
      .optional(),
  });
}

export type Subscription = z.infer<ReturnType<typeof subscriptionSchema>>;

/** The answer to `subscribe`; a refusal by a client limit names its reason. */
export type SubscribeAnswer =
  | { ok: true; stream: string; fps: number }
  | { ok: false; error: string; reason?: RefusalReason };
