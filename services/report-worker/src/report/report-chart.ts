// Layer 0: the report as a PNG bar chart, drawn with jimp. Pure: report and resources in, PNG out.
import type { Jimp as JimpClass, loadFont } from "jimp";
import type { Report } from "./report.js";

type Font = Awaited<ReturnType<typeof loadFont>>;
type Image = Awaited<ReturnType<(typeof JimpClass)["fromBuffer"]>>;
/** What the drawing helpers use of a jimp image. */
interface Canvas {
  bitmap: { data: Buffer };
  print(options: { font: Font; x: number; y: number; text: string }): unknown;
  scan(x: number, y: number, w: number, h: number, f: (x: number, y: number, index: number) => void): unknown;
}

const WIDTH = 720;
const ROW = 54;
const TOP = 150;
const LABEL = 240;
/** Room right of each bar for its value ("100%"). */
const VALUE = 56;
const BAR = WIDTH - LABEL - VALUE - 20;
/** Longest instance id printed whole; the font has Latin-1 glyphs only, so no "…": it is cut with "...". */
const MAX_ID = 24;
const COLORS = { background: 0x0f1222ff, track: 0x262b4dff, load: 0xffd500ff, share: 0x4f8cffff };

export interface ChartResources {
  Jimp: typeof JimpClass;
  font: Font;
  /** The thumbnail frame, decoded; drawn top right when present. */
  thumbnail?: Image;
}

/**
 * Per instance: a yellow bar of mean load and a blue bar of its share of the service's jobs, each
 * with its value. Meant to be shown at its own size (720 px wide), where its 16 px text reads.
 */
export async function renderChart(
  report: Report,
  { Jimp, font, thumbnail }: ChartResources,
): Promise<Buffer> {
  const rows = report.services.flatMap((s) => s.instances.map((i) => ({ service: s.service, ...i })));
  const height = TOP + Math.max(1, rows.length) * ROW + 30;
  const image = new Jimp({ width: WIDTH, height, color: COLORS.background });
  image.print({ font, x: 20, y: 20, text: "zmesh activity" });
  image.print({ font, x: 20, y: 46, text: `last ${report.windowSeconds} s, ${report.samples} samples` });
  image.print({ font, x: 20, y: 72, text: report.generatedAt.replace("T", " ").slice(0, 19) });
  legend(image, font);
  if (thumbnail) {
    // `as never`: jimp's typings reject its own images under exactOptionalPropertyTypes.
    image.composite(thumbnail.clone().resize({ w: 160, h: 120 }) as never, WIDTH - 180, 14);
  }
  rows.forEach((row, index) => {
    const y = TOP + index * ROW;
    image.print({
      font,
      x: 20,
      y,
      text: row.id.length > MAX_ID ? `${row.id.slice(0, MAX_ID - 3)}...` : row.id,
    });
    image.print({ font, x: 20, y: y + 20, text: `${row.service} · ${row.served} served` });
    bar(image, font, y + 2, row.loadMean, COLORS.load);
    bar(image, font, y + 22, row.share, COLORS.share);
  });
  return image.getBuffer("image/png");
}

function legend(image: Canvas, font: Font): void {
  fill(image, LABEL, 112, 14, 14, COLORS.load);
  image.print({ font, x: LABEL + 20, y: 110, text: "mean load" });
  fill(image, LABEL + 140, 112, 14, 14, COLORS.share);
  image.print({ font, x: LABEL + 160, y: 110, text: "share of jobs" });
}

function bar(image: Canvas, font: Font, y: number, ratio: number, color: number): void {
  const clamped = Math.min(1, Math.max(0, ratio));
  fill(image, LABEL, y + 2, BAR, 14, COLORS.track);
  fill(image, LABEL, y + 2, Math.round(BAR * clamped), 14, color);
  image.print({ font, x: LABEL + BAR + 10, y, text: `${Math.round(clamped * 100)}%` });
}

function fill(image: Canvas, x: number, y: number, width: number, height: number, color: number): void {
  if (width <= 0) return;
  image.scan(x, y, width, height, (_px, _py, index) => {
    image.bitmap.data.writeUInt32BE(color, index);
  });
}
