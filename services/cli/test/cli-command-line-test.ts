import { UsageError } from "../src/cli-errors.js";
import { parseCommandLine } from "../src/command-line.js";
import { replyDestination, TERMINAL_TEXT_LIMIT } from "../src/reply-output.js";

const refusal = (argv: string[]) => {
  try {
    parseCommandLine(argv);
  } catch (error) {
    if (error instanceof UsageError) return [error.command, error.message];
    throw error;
  }
  throw new Error(`accepted: ${argv.join(" ")}`);
};

describe("zmesh command line", () => {
  it("reads a command, its flags and arguments", () => {
    expect(parseCommandLine(["call", "echo", "sleep", '{"ms":5}', "--timeout", "900"])).toEqual({
      command: "call",
      flags: { timeout: "900" },
      args: ["echo", "sleep", '{"ms":5}'],
    });
    expect(parseCommandLine(["ls", "-h"])).toEqual({ command: "help" });
  });

  it("names what is wrong, and the nearest command for a typo", () => {
    expect(refusal(["lss"])).toEqual([undefined, 'unknown command "lss" (did you mean ls?)']);
    expect(refusal(["wacth"])).toEqual([undefined, 'unknown command "wacth" (did you mean watch?)']);
    expect(refusal(["frob"])).toEqual([undefined, 'unknown command "frob"']);
    expect(refusal([])).toEqual([undefined, "no command given"]);
    expect(refusal(["--json", "ls"])).toEqual([undefined, "the command comes first (got the flag --json)"]);
    expect(refusal(["ls", "--out", "x"])).toEqual(["ls", "unknown flag --out for ls (it is a flag of call)"]);
    expect(refusal(["watch", "--all=yes"])).toEqual(["watch", "flag --all takes no value"]);
    expect(refusal(["ls", "image-worker"])).toEqual(["ls", 'takes no arguments (got also "image-worker")']);
    expect(refusal(["call", "a", "b", "{}", "c"])).toEqual([
      "call",
      'takes at most <service> <job> <JSON> (got also "c")',
    ]);
  });
});

describe("where a call's reply goes", () => {
  const reply = { contentType: "application/json", bytes: 100, out: undefined, toTerminal: true };

  it("prints short text on a terminal, and everything when piped", () => {
    expect(replyDestination(reply)).toEqual({ to: "stdout" });
    expect(replyDestination({ ...reply, contentType: "image/png", toTerminal: false })).toEqual({
      to: "stdout",
    });
  });

  it("puts binary or long replies on a terminal into a new file", () => {
    expect(replyDestination({ ...reply, contentType: "image/jpeg" })).toEqual({
      to: "new file",
      why: "binary",
    });
    expect(replyDestination({ ...reply, bytes: TERMINAL_TEXT_LIMIT + 1 })).toEqual({
      to: "new file",
      why: "too long for the terminal",
    });
  });

  it("follows --out, - meaning stdout", () => {
    expect(replyDestination({ ...reply, contentType: "image/png", out: "-" })).toEqual({ to: "stdout" });
    expect(replyDestination({ ...reply, out: "r.json", toTerminal: false })).toEqual({
      to: "file",
      path: "r.json",
    });
  });
});
