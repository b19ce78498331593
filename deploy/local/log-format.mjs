// How `make run` shows its processes' log lines: one stream, each line prefixed with its process.

const COLOURS = [36, 33, 32, 35, 34, 31];

/**
 * Colour only for a terminal, unless FORCE_COLOR asks for it (or NO_COLOR against it).
 * @param {NodeJS.WriteStream} stream
 * @param {NodeJS.ProcessEnv} env
 */
export function wantsColour(stream, env) {
  if (env.FORCE_COLOR !== undefined) return !["0", "false"].includes(env.FORCE_COLOR);
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return stream.isTTY === true;
}

/**
 * The `name |` prefix of a process's lines, padded to `width`, coloured by its index when asked.
 * @param {string} name @param {number} index @param {number} width @param {boolean} colour
 */
export function linePrefix(name, index, width, colour) {
  const label = `${name.padEnd(width)} |`;
  return colour ? `\x1b[${COLOURS[index % COLOURS.length]}m${label}\x1b[0m ` : `${label} `;
}

/**
 * A JSON log line made readable (time, level, message, then the other fields); anything else as is.
 * @param {string} line
 */
export function prettyLine(line) {
  try {
    const { timestamp, level, message, service: _service, instance: _instance, ...rest } = JSON.parse(line);
    const extras = Object.entries(rest).map(
      ([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`,
    );
    return `${String(timestamp).slice(11, 23)} ${String(level).padEnd(5)} ${message}${extras.length ? `  ${extras.join(" ")}` : ""}`;
  } catch {
    return line;
  }
}
