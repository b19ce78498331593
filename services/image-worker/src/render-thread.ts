// Runs on the worker-thread pool: the I/O edge of Layer 0 (loads the font once), then pure rendering.
import { workerData } from "node:worker_threads";
import type { JobRequest, JobResult } from "@zmesh/mesh";
import { loadFont } from "jimp";
import { SANS_16_WHITE } from "jimp/fonts";
import { FastJimp } from "./frame/fast-jpeg.js";
import { renderBase, renderFrame } from "./frame/frame.js";

const { workerName } = workerData as { workerName: string };
const font = await loadFont(SANS_16_WHITE);
const resources = { Jimp: FastJimp, font, base: renderBase(workerName, FastJimp, font) };

export default async function render(_request: JobRequest): Promise<JobResult> {
  const timestampMicros = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
  return {
    payload: await renderFrame({ workerName, timestampMicros }, resources),
    contentType: "image/jpeg",
  };
}
