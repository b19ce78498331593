import {
  type JobContext,
  type JobResult,
  jsonResult,
  type Logger,
  parseJson,
  type ThreadPool,
} from "@zmesh/mesh";
import type { ChartInput } from "./chart-thread.js";
import { buildReport, type Report, reportToCsv, type Sample } from "./report/report.js";

const FORMATS = ["json", "csv", "png"] as const;
type Format = (typeof FORMATS)[number];

export interface ReportJobOptions {
  history: () => readonly Sample[];
  windowMs: number;
  charts: ThreadPool<ChartInput, Uint8Array>;
  logger: Logger;
}

/** The `report` job: payload `{"format": "json" | "csv" | "png"}` (json when absent). */
export function reportJob({ history, windowMs, charts, logger }: ReportJobOptions) {
  return async ({ payload }: { payload: Uint8Array }, context: JobContext): Promise<JobResult> => {
    const format = formatOf(payload);
    const report = buildReport(history(), windowMs, Date.now());
    if (format === "csv") return { payload: Buffer.from(reportToCsv(report)), contentType: "text/csv" };
    const thumbnail = await currentFrame(context, logger);
    if (format === "json") {
      const withThumbnail: Report = thumbnail
        ? {
            ...report,
            thumbnail: {
              worker: thumbnail.worker,
              jpegBase64: Buffer.from(thumbnail.jpeg).toString("base64"),
            },
          }
        : report;
      return jsonResult(withThumbnail);
    }
    const png = await charts.run({ report, ...(thumbnail ? { thumbnailJpeg: thumbnail.jpeg } : {}) });
    return { payload: png, contentType: "image/png" };
  };
}

/** A worker calling a worker: the report's thumbnail is a frame fresh from an image worker, if one answers. */
async function currentFrame(
  context: JobContext,
  logger: Logger,
): Promise<{ worker: string; jpeg: Uint8Array } | undefined> {
  try {
    const frame = await context.call("image-worker", "render", Buffer.from("{}"), {
      timeoutMs: 1000,
      retryable: true,
    });
    return { worker: frame.servedBy, jpeg: frame.payload };
  } catch (error) {
    logger.warn("no thumbnail for the report", { traceId: context.traceId, error: String(error) });
    return undefined;
  }
}

function formatOf(payload: Uint8Array): Format {
  if (payload.byteLength === 0) return "json";
  const { format = "json" } = parseJson<{ format?: string }>(payload);
  if (!(FORMATS as readonly string[]).includes(format))
    throw new Error(`format must be one of ${FORMATS.join(", ")}`);
  return format as Format;
}
