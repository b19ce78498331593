/** A running heartbeat: `stop()` ends it; a beat already running finishes, and no other follows. */
export interface Heartbeat {
  stop(): void;
}

/**
 * Runs `beat` every `intervalMs` at a fixed rate, never two at once: a slow beat delays the next
 * one instead of piling up. The timer is unref'd so a heartbeat alone never keeps a process alive.
 * A beat that rejects is passed to `onError` and the next beat runs as usual: one failure never
 * stops the heartbeat.
 *
 * @example
 * const heartbeat = startHeartbeat(1000, () => sendHeartbeat(), (error) => logger.error(String(error)));
 * // later
 * heartbeat.stop();
 */
export function startHeartbeat(
  intervalMs: number,
  beat: () => Promise<void>,
  onError: (error: unknown) => void,
): Heartbeat {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let next = Date.now() + intervalMs;

  const tick = async () => {
    await beat().catch(onError);
    if (stopped) return;
    next = Math.max(next + intervalMs, Date.now());
    timer = setTimeout(tick, next - Date.now());
    timer.unref();
  };
  timer = setTimeout(tick, intervalMs);
  timer.unref();

  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
