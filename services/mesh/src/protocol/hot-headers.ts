import { type Headers, JOB_NAME, SERVICE_NAME } from "./messages.js";

// The data plane's two commonest headers, checked by hand: zod's generic walk cost more than the
// rest of decoding. Each check accepts only what its schema in messages.ts accepts and returns the
// same object zod would (known fields only); anything it does not accept goes to the schema, which
// gives the verdict and the reason. test/protocol-hot-headers-test.ts holds the two to the same answers.

const MAX_ID = 2 ** 32 - 1;

type Raw = Record<string, unknown>;

const isId = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_ID;
const isText = (value: unknown, min: number, max: number): value is string =>
  typeof value === "string" && value.length >= min && value.length <= max;

/** Absent (the default, raw bytes) or text of at most 128 characters. */
const isContentType = (value: unknown): value is string | undefined =>
  value === undefined || isText(value, 0, 128);

function request(raw: Raw): Headers["REQUEST"] | undefined {
  const { id, service, job, timeoutMs, traceId, contentType } = raw;
  if (!isId(id) || typeof service !== "string" || !SERVICE_NAME.test(service)) return undefined;
  if (typeof job !== "string" || !JOB_NAME.test(job)) return undefined;
  if (!Number.isInteger(timeoutMs) || (timeoutMs as number) < 1 || (timeoutMs as number) > 3_600_000)
    return undefined;
  if (!isText(traceId, 1, 64) || !isContentType(contentType)) return undefined;
  const header: Headers["REQUEST"] = { id, service, job, timeoutMs: timeoutMs as number, traceId };
  if (contentType !== undefined) header.contentType = contentType;
  return header;
}

function reply(raw: Raw): Headers["REPLY"] | undefined {
  const { id, contentType, durationMs } = raw;
  if (!isId(id) || !isContentType(contentType)) return undefined;
  if (typeof durationMs !== "number" || !Number.isFinite(durationMs) || durationMs < 0) return undefined;
  return contentType === undefined ? { id, durationMs } : { id, contentType, durationMs };
}

const checks: Partial<Record<keyof Headers, (raw: Raw) => Headers[keyof Headers] | undefined>> = {
  REQUEST: request,
  REPLY: reply,
};

/** The header, when `type` has a hand-written check and `raw` passes it; undefined means "ask the schema". */
export function hotHeader(type: keyof Headers, raw: unknown): Headers[keyof Headers] | undefined {
  const check = checks[type];
  if (check === undefined || typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;
  return check(raw as Raw);
}
