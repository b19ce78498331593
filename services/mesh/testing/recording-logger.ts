import type { Logger } from "../src/mod.js";

/** A log line as a RecordingLogger keeps it. */
export interface RecordedLine {
  level: "error" | "warn" | "info" | "debug";
  message: string;
  fields: Record<string, unknown>;
  /** performance.now() when it was written. */
  at: number;
}

/**
 * A Logger that keeps every line in `lines` (children write to the same list), for unit tests that
 * assert on what was logged.
 */
export function recordingLogger(): Logger & { lines: RecordedLine[] } {
  const lines: RecordedLine[] = [];
  const make = (bound: Record<string, unknown>): Logger & { lines: RecordedLine[] } => {
    const write =
      (level: RecordedLine["level"]) =>
      (message: string, fields: Record<string, unknown> = {}) =>
        lines.push({ level, message, fields: { ...bound, ...fields }, at: performance.now() });
    return {
      lines,
      error: write("error"),
      warn: write("warn"),
      info: write("info"),
      debug: write("debug"),
      child: (fields: Record<string, unknown>) => make({ ...bound, ...fields }),
    };
  };
  return make({});
}
