import winston from "winston";

/** Structured fields that go on a log line beside its message. */
export type LogFields = Record<string, unknown>;

/**
 * What the mesh needs of a logger: a line per event at four levels, with structured fields, and
 * children that add fields to every line. Bring your own (pino and winston fit) or use createLogger.
 */
export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/** A process's own logger: it can also be flushed, so the last lines before exit are not lost. */
export interface ProcessLogger extends Logger {
  /** Ends the logger once its lines are written (waits at most `timeoutMs`). */
  flush(timeoutMs?: number): Promise<void>;
}

export interface LoggerOptions {
  service: string;
  instance: string;
  level?: string;
}

/**
 * The one way the mesh logs: JSON lines on stdout (winston), with service and instance on every line.
 *
 * @example
 * const logger = createLogger({ service: "mapper", instance: "mapper-1" });
 * logger.info("mapper listening", { endpoint: "tcp://127.0.0.1:5555" });
 */
export function createLogger({ service, instance, level = "info" }: LoggerOptions): ProcessLogger {
  const logger = winston.createLogger({
    level,
    defaultMeta: { service, instance },
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.errors({ stack: true }),
      winston.format.json(),
    ),
    transports: [new winston.transports.Console()],
  });
  return Object.assign(logger, { flush: (timeoutMs?: number) => endWinston(logger, timeoutMs) });
}

/** winston writes through streams: end them and wait (briefly) for the last lines. */
function endWinston(logger: winston.Logger, timeoutMs = 1000): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    logger.once("finish", () => {
      clearTimeout(timer);
      resolve();
    });
    logger.end();
  });
}

/** A logger that drops everything: for tests and library users who bring no logger. */
export function silentLogger(): Logger {
  const silent: Logger = {
    error() {},
    warn() {},
    info() {},
    debug() {},
    child: () => silent,
  };
  return silent;
}
