import { hotHeader } from "../src/protocol/hot-headers.js";
import { headerSchemas } from "../src/protocol/mod.js";

const request = {
  id: 7,
  service: "echo",
  job: "echo",
  timeoutMs: 5000,
  traceId: "0b5c6d3e-8f7a-4b1c-9d2e-3f4a5b6c7d8e",
  contentType: "application/octet-stream",
};
const reply = { id: 7, contentType: "application/json", durationMs: 0.25 };

/** Values that probe each rule's edges: types, bounds, lengths, patterns. */
const probes: unknown[] = [
  undefined,
  null,
  true,
  0,
  -0,
  -1,
  1,
  0.5,
  2 ** 32 - 1,
  2 ** 32,
  3_600_000,
  3_600_001,
  Number.MAX_VALUE,
  Number.POSITIVE_INFINITY,
  Number.NaN,
  "",
  "a",
  "A",
  "1a",
  "a-b",
  "a_b",
  "a.b",
  "x".repeat(63),
  "x".repeat(64),
  "x".repeat(65),
  "x".repeat(128),
  "x".repeat(129),
  [],
  {},
  ["echo"],
];

/** Every header the hot path accepts must be accepted by the schema, as the same object. */
function expectSameVerdict(type: "REQUEST" | "REPLY", raw: unknown): void {
  const hot = hotHeader(type, raw);
  const schema = headerSchemas[type].safeParse(raw);
  if (hot !== undefined) {
    expect(schema.success).toBe(true);
    expect(hot).toEqual(schema.success ? schema.data : undefined);
  }
}

describe("hot header checks (REQUEST, REPLY)", () => {
  it("accept valid headers as the schema does, dropping unknown fields", () => {
    expect(hotHeader("REQUEST", { ...request, extra: 1 })).toEqual(request);
    expect(hotHeader("REPLY", { ...reply, extra: "x" })).toEqual(reply);
    expectSameVerdict("REQUEST", { ...request, extra: 1 });
    expectSameVerdict("REPLY", reply);
  });

  it("never accept what the schema refuses, field by field over edge values", () => {
    let refused = 0;
    for (const [type, sample] of [
      ["REQUEST", request],
      ["REPLY", reply],
    ] as const) {
      for (const field of Object.keys(sample)) {
        for (const value of probes) {
          const raw = { ...sample, [field]: value };
          expectSameVerdict(type, raw);
          if (!headerSchemas[type].safeParse(raw).success) {
            refused++;
            expect(hotHeader(type, raw)).toBeUndefined();
          }
        }
        // Missing: refused when the schema requires the field, read alike when it may be absent.
        const { [field]: _, ...missing } = sample as Record<string, unknown>;
        expectSameVerdict(type, missing);
        if (!headerSchemas[type].safeParse(missing).success) expect(hotHeader(type, missing)).toBeUndefined();
        else expect(hotHeader(type, missing)).toEqual(missing);
      }
      for (const raw of [null, [], "header", 7]) expect(hotHeader(type, raw)).toBeUndefined();
    }
    expect(refused).toBeGreaterThan(50);
  });

  it("leave every other type to the schema", () => {
    expect(hotHeader("BUSY", { id: 1 })).toBeUndefined();
    expect(hotHeader("ERROR", { id: 1, code: "X", message: "y" })).toBeUndefined();
  });
});
