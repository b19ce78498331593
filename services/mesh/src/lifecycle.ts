import type { ProcessLogger } from "./observability/logger.js";

/**
 * Runs `shutdown` once on SIGTERM or SIGINT and exits 0 when it resolves (1 if it throws), after
 * the logger has written its last lines. A second signal while shutting down exits at once.
 *
 * @example
 * onShutdownSignal(logger, async () => {
 *   await mapper.close();
 *   await metricsServer.close();
 * });
 */
export function onShutdownSignal(logger: ProcessLogger, shutdown: (signal: string) => Promise<void>): void {
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

async function exitAfterLogs(logger: ProcessLogger, code: number): Promise<never> {
  await logger.flush();
  process.exit(code);
}
