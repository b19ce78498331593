import winston from "winston";

export type Logger = winston.Logger;

export interface LoggerOptions {
  service: string;
  instance: string;
  level?: string;
}

/** The one way the mesh logs: JSON lines on stdout, with service and instance on every line. */
export function createLogger({ service, instance, level = "info" }: LoggerOptions): Logger {
  return winston.createLogger({
    level,
    defaultMeta: { service, instance },
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.errors({ stack: true }),
      winston.format.json(),
    ),
    transports: [new winston.transports.Console()],
  });
}

/** A logger that drops everything: for tests and library users who bring no logger. */
export function silentLogger(): Logger {
  return winston.createLogger({
    silent: true,
    transports: [new winston.transports.Console({ silent: true })],
  });
}
