import { Jimp, loadFont } from "jimp";
import { SANS_16_WHITE } from "jimp/fonts";
import sharp from "sharp";
import { FastJimp } from "../src/frame/fast-jpeg.js";
import {
  BACKGROUND_RGB,
  type Font,
  formatTimestamp,
  type JimpClass,
  renderBase,
  renderFrame,
  titleOf,
} from "../src/frame/frame.js";

let font: Font;
beforeAll(async () => {
  font = await loadFont(SANS_16_WHITE);
});

const spec = { workerName: "w-7", timestampMicros: 1_795_000_000_123_456n };

describe("frame (layer 0)", () => {
  it("formats the timestamp with microseconds", () => {
    expect(formatTimestamp(1_795_000_000_123_456n)).toBe("2026-11-18 11:06:40.123456 UTC");
    expect(formatTimestamp(1_795_000_000_000_007n)).toBe("2026-11-18 11:06:40.000007 UTC");
    expect(titleOf("w-7")).toBe("Worker [w-7] Stream:");
  });

  it.each([
    ["jimp's own JPEG encoder", Jimp as unknown as JimpClass],
    ["the sharp-backed encoder", FastJimp as unknown as JimpClass],
  ])("renders a 400×300 JPEG, slate blue with yellow text, with %s", async (_name, JimpClass) => {
    const jpeg = await renderFrame(spec, {
      Jimp: JimpClass,
      font,
      base: renderBase(spec.workerName, JimpClass, font),
    });
    expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
    expect([info.format, info.width, info.height]).toEqual(["raw", 400, 300]);
    const pixel = (x: number, y: number) => [...data.subarray((y * 400 + x) * 3, (y * 400 + x) * 3 + 3)];
    // The lower half is plain background, within JPEG's error.
    pixel(200, 250).forEach((value, channel) => {
      expect(Math.abs(value - (BACKGROUND_RGB[channel] as number))).toBeLessThanOrEqual(6);
    });
    // Both text lines are there, and yellow.
    const yellowIn = (top: number, bottom: number) => {
      let count = 0;
      for (let y = top; y < bottom; y++) {
        for (let x = 0; x < 400; x++) {
          const [r, g, b] = pixel(x, y) as [number, number, number];
          if (r > 200 && g > 180 && b < 90) count++;
        }
      }
      return count;
    };
    expect(yellowIn(14, 36)).toBeGreaterThan(150); // Worker [w-7] Stream:
    expect(yellowIn(38, 62)).toBeGreaterThan(150); // the timestamp
  });
});
