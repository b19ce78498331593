// Layer 0: what a frame looks like. Pure: resources (image library, font) come in, JPEG bytes go out.
import type { loadFont } from "jimp";

export const FRAME_WIDTH = 400;
export const FRAME_HEIGHT = 300;
export const JPEG_QUALITY = 70;
export const BACKGROUND_RGB = [0x48, 0x3d, 0x8b] as const; // dark slate blue
export const TEXT_RGB = [255, 221, 0] as const; // yellow
const MARGIN = 16;
const LINE_GAP = 6;

export type Font = Awaited<ReturnType<typeof loadFont>>;

/** The part of a jimp image this module uses. */
export interface JimpImage {
  bitmap: { data: Buffer; width: number; height: number };
  print(options: { font: Font; x: number; y: number; text: string }): unknown;
  getBuffer(mime: "image/jpeg", options: { quality: number }): Promise<Buffer>;
}

/** A Jimp class, from `jimp` or `createJimp` (the encoder it was built with decides the JPEG speed). */
export interface JimpClass {
  new (options: { width: number; height: number; color: number }): JimpImage;
  fromBitmap(bitmap: { data: Buffer; width: number; height: number }): JimpImage;
}

export interface FrameSpec {
  workerName: string;
  /** Wall-clock time of the frame in microseconds since the epoch. */
  timestampMicros: bigint;
}

export interface FrameResources {
  Jimp: JimpClass;
  font: Font;
  /** From `renderBase`: the parts of a frame that never change for one worker. */
  base: JimpImage;
}

/** `2026-11-27 04:05:06.123456 UTC`: microseconds, so consecutive frames never look alike. */
export function formatTimestamp(micros: bigint): string {
  const iso = new Date(Number(micros / 1000n)).toISOString(); // 2026-11-27T04:05:06.123Z
  const fraction = (micros % 1_000_000n).toString().padStart(6, "0");
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${fraction} UTC`;
}

/** The first line of every frame: which worker rendered it. */
export function titleOf(workerName: string): string {
  return `Worker [${workerName}] Stream:`;
}

/** Background and title: rendered once per worker, since only the timestamp changes between frames. */
export function renderBase(workerName: string, Jimp: JimpClass, font: Font): JimpImage {
  const [r, g, b] = BACKGROUND_RGB;
  const image = new Jimp({
    width: FRAME_WIDTH,
    height: FRAME_HEIGHT,
    color: ((r << 24) | (g << 16) | (b << 8) | 0xff) >>> 0,
  });
  printYellow(image, font, titleOf(workerName), MARGIN);
  return image;
}

/**
 * A whole frame as JPEG bytes: pure, no I/O; the caller brings the image class, font and base.
 *
 * @example
 * const jpeg = await renderFrame({ timestampMicros: 1_764_216_306_123_456n }, resources);
 */
export function renderFrame(spec: FrameSpec, resources: FrameResources): Promise<Buffer> {
  return encodeFrame(drawFrame(spec, resources));
}

/** The frame's pixels: a copy of the base with the timestamp printed on it. */
export function drawFrame(spec: FrameSpec, { Jimp, font, base }: FrameResources): JimpImage {
  const image = Jimp.fromBitmap({
    data: Buffer.from(base.bitmap.data),
    width: FRAME_WIDTH,
    height: FRAME_HEIGHT,
  });
  printYellow(image, font, formatTimestamp(spec.timestampMicros), MARGIN + font.common.lineHeight + LINE_GAP);
  return image;
}

/** JPEG bytes of a frame, at the stream's quality. */
export function encodeFrame(image: JimpImage): Promise<Buffer> {
  return image.getBuffer("image/jpeg", { quality: JPEG_QUALITY });
}

/**
 * jimp's bitmap fonts are white only. Printed over the plain background, each pixel is
 * background·(1−a) + white·a; read `a` back from one channel and blend yellow instead.
 */
function printYellow(image: JimpImage, font: Font, text: string, y: number): void {
  image.print({ font, x: MARGIN, y, text });
  const data = image.bitmap.data;
  const [bgR, bgG, bgB] = BACKGROUND_RGB;
  const [r, g, b] = TEXT_RGB;
  const rows = font.common.lineHeight + LINE_GAP;
  for (let row = y; row < Math.min(y + rows, FRAME_HEIGHT); row++) {
    for (let i = row * FRAME_WIDTH * 4; i < (row + 1) * FRAME_WIDTH * 4; i += 4) {
      const alpha = ((data[i + 1] as number) - bgG) / (255 - bgG);
      if (alpha <= 0) continue;
      data[i] = bgR + alpha * (r - bgR);
      data[i + 1] = bgG + alpha * (g - bgG);
      data[i + 2] = bgB + alpha * (b - bgB);
    }
  }
}
