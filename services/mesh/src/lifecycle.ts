import type { Logger } from "./observability/logger.js";

/**
 * Runs `shutdown` once on SIGTERM or SIGINT and exits 0 when it resolves (1 if it throws).
 * A second signal while shutting down exits at once.
 */
export function onShutdownSignal(logger: Logger, shutdown: (signal: string) => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn("second signal: exiting now", { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info("shutting down", { signal });
    shutdown(signal).then(
      () => exitAfterLogs(logger, 0),
      (error: unknown) => {
        logger.error("shutdown failed", { error: String(error) });
        return exitAfterLogs(logger, 1);
      },
    );
  };
  process.on("SIGTERM", handle);
  process.on("SIGINT", handle);
}

/** winston writes through streams: end them and wait (briefly) so the last lines are not lost. */
async function exitAfterLogs(logger: Logger, code: number): Promise<never> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1000);
    logger.once("finish", () => {
      clearTimeout(timer);
      resolve();
    });
    logger.end();
  });
  process.exit(code);
}
