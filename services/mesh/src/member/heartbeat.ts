/**
 * Runs `beat` every `intervalMs` at a fixed rate, never two at once: a slow beat delays the next
 * one instead of piling up. The timer is unref'd so a heartbeat alone never keeps a process alive.
 */
export function startHeartbeat(intervalMs: number, beat: () => Promise<void>): { stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let next = Date.now() + intervalMs;

  const tick = async () => {
    await beat().catch(() => {});
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
