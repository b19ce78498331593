import type { linePrefix as LinePrefix, wantsColour as WantsColour } from "../log-format.mjs";

// Colour only on a terminal, or when FORCE_COLOR asks for it: never ANSI codes into files and pipes.
let wantsColour: typeof WantsColour;
let linePrefix: typeof LinePrefix;
beforeAll(async () => {
  ({ wantsColour, linePrefix } = await import("../log-format.mjs"));
});

const terminal = { isTTY: true } as NodeJS.WriteStream;
const pipe = { isTTY: false } as NodeJS.WriteStream;

test("a terminal gets colour, a pipe or a file does not", () => {
  expect(wantsColour(terminal, {})).toBe(true);
  expect(wantsColour(pipe, {})).toBe(false);
});

test("FORCE_COLOR turns it on for a pipe, NO_COLOR off for a terminal, FORCE_COLOR=0 off", () => {
  expect(wantsColour(pipe, { FORCE_COLOR: "1" })).toBe(true);
  expect(wantsColour(terminal, { NO_COLOR: "1" })).toBe(false);
  expect(wantsColour(terminal, { FORCE_COLOR: "0" })).toBe(false);
});

test("a prefix without colour has no escape codes; with colour it has", () => {
  expect(linePrefix("mapper", 0, 7, false)).toBe("mapper  | ");
  expect(linePrefix("mapper", 0, 7, true)).toContain("\x1b[");
});
