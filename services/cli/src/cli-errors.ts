// The two ways a zmesh command fails, each worded for the person at the terminal.

/** The command line is wrong: the message says what, and the usage hint follows (exit code 64). */
export class UsageError extends Error {
  override name = "UsageError";
  constructor(
    message: string,
    /** The command whose line is wrong, when there is one. */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** The command could not do its work: what happened, then what to check (exit code 1). */
export class CliFailure extends Error {
  override name = "CliFailure";
  constructor(
    message: string,
    /** Lines that say what to check or try next. */
    readonly hints: readonly string[] = [],
  ) {
    super(message);
  }
}
