// Runs on a worker thread: the I/O edge (loads the font once), then pure chart drawing and PNG encoding.
import { Jimp, loadFont } from "jimp";
import { SANS_16_WHITE } from "jimp/fonts";
import type { Report } from "./report/report.js";
import { renderChart } from "./report/report-chart.js";

const font = await loadFont(SANS_16_WHITE);

export interface ChartInput {
  report: Report;
  thumbnailJpeg?: Uint8Array;
}

export default async function chart({ report, thumbnailJpeg }: ChartInput): Promise<Uint8Array> {
  const thumbnail = thumbnailJpeg ? await Jimp.fromBuffer(Buffer.from(thumbnailJpeg)) : undefined;
  return renderChart(report, { Jimp, font, ...(thumbnail ? { thumbnail } : {}) });
}
