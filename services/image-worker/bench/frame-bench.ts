// Per-frame cost of the image worker's Layer 0: jimp's own JPEG path against the sharp-backed format.
// Prints a table and writes bench/results/frames-<time>.json. Not a test: no pass/fail.
import { saveBenchResults } from "@zmesh/mesh/testing";
import { Jimp, loadFont } from "jimp";
import { SANS_16_WHITE } from "jimp/fonts";
import { FastJimp } from "../src/frame/fast-jpeg.js";
import { drawFrame, encodeFrame, type JimpClass, renderBase } from "../src/frame/frame.js";

const FRAMES = Number(process.env.BENCH_FRAMES ?? 100);
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const font = await loadFont(SANS_16_WHITE);
const results: Record<string, { renderMs: number; encodeMs: number; totalMs: number; bytes: number }> = {};
for (const [name, JimpClass] of [
  ["jimp default (jpeg-js)", Jimp as unknown as JimpClass],
  ["jimp + sharp JPEG format", FastJimp as unknown as JimpClass],
] as const) {
  const resources = { Jimp: JimpClass, font, base: renderBase("bench", JimpClass, font) };
  const render: number[] = [];
  const encode: number[] = [];
  let bytes = 0;
  for (let i = 0; i < FRAMES + 5; i++) {
    const started = performance.now();
    const image = drawFrame(
      { workerName: "bench", timestampMicros: BigInt(Date.now()) * 1000n + BigInt(i) },
      resources,
    );
    const drawn = performance.now();
    bytes = (await encodeFrame(image)).length;
    if (i < 5) continue; // warm-up
    render.push(drawn - started);
    encode.push(performance.now() - drawn);
  }
  const renderMs = median(render);
  const encodeMs = median(encode);
  results[name] = {
    renderMs,
    encodeMs,
    totalMs: median(render.map((r, i) => r + (encode[i] as number))),
    bytes,
  };
}

const lines = [
  `| 400×300 frame, q70, one core (${FRAMES} frames, medians) | render ms | encode ms | total ms | bytes |`,
  "|---|---|---|---|---|",
  ...Object.entries(results).map(
    ([name, r]) =>
      `| ${name} | ${r.renderMs.toFixed(2)} | ${r.encodeMs.toFixed(2)} | ${r.totalMs.toFixed(2)} | ${r.bytes} |`,
  ),
];
process.stdout.write(`${lines.join("\n")}\n`);
const at = new Date().toISOString();
saveBenchResults("frames", { at, frames: FRAMES, results }, at);
