import { Jimp, loadFont } from "jimp";
import { SANS_16_WHITE } from "jimp/fonts";
import {
  buildReport,
  type InstanceSample,
  recordSample,
  reportToCsv,
  type Sample,
} from "../src/report/report.js";
import { renderChart } from "../src/report/report-chart.js";

const at = (seconds: number, instances: InstanceSample[]): Sample => ({ at: seconds * 1000, instances });
const image = (instanceId: string, utilization: number, served: number, refused = 0): InstanceSample => ({
  service: "image-worker",
  instanceId,
  state: utilization >= 1 ? "warning" : "passing",
  utilization,
  served,
  refused,
});

describe("report (layer 0)", () => {
  it("keeps only the window's samples", () => {
    let history: Sample[] = [];
    for (let second = 0; second < 100; second++) history = recordSample(history, at(second, []), 60_000);
    expect(history).toHaveLength(60);
    expect(history[0]?.at).toBe(40_000);
  });

  it("reports load now, mean and max, jobs served and refused in the window, and each instance's share", () => {
    const history = [
      at(1, [image("a", 0.2, 100), image("b", 0.4, 50, 2)]),
      at(2, [image("a", 0.6, 160), image("b", 1, 80, 5)]),
      at(3, [image("a", 0.4, 220), image("b", 0.4, 80, 9)]),
    ];
    const report = buildReport(history, 60_000, 3000);
    expect(report).toMatchObject({ windowSeconds: 60, samples: 3, generatedAt: "1970-01-01T00:00:03.000Z" });
    expect(report.services).toEqual([
      {
        service: "image-worker",
        served: 150,
        refused: 7,
        instances: [
          {
            id: "a",
            state: "passing",
            loadNow: 0.4,
            loadMean: 0.4,
            loadMax: 0.6,
            served: 120,
            refused: 0,
            share: 0.8,
          },
          {
            id: "b",
            state: "passing",
            loadNow: 0.4,
            loadMean: 0.6,
            loadMax: 1,
            served: 30,
            refused: 7,
            share: 0.2,
          },
        ],
      },
    ]);
  });

  it("leaves out instances gone before the end of the window", () => {
    const report = buildReport(
      [at(1, [image("a", 0, 1), image("gone", 0, 1)]), at(2, [image("a", 0, 2)])],
      60_000,
      2000,
    );
    expect(report.services[0]?.instances.map((i) => i.id)).toEqual(["a"]);
  });

  it("writes CSV with a header and RFC 4180 quoting", () => {
    const report = buildReport(
      [at(1, [{ ...image('we"ird,id', 0.5, 3), service: "image-worker" }])],
      60_000,
      1000,
    );
    expect(reportToCsv(report)).toBe(
      'service,instance,state,load_now,load_mean,load_max,served,refused,share\r\nimage-worker,"we""ird,id",passing,0.5,0.5,0.5,3,0,1\r\n',
    );
  });

  it("draws a PNG chart with a row per instance", async () => {
    const font = await loadFont(SANS_16_WHITE);
    const report = buildReport([at(1, [image("a", 0.5, 1), image("b", 0.2, 1)])], 60_000, 1000);
    const png = await renderChart(report, { Jimp, font });
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join("")).toBe("PNG");
    const decoded = await Jimp.fromBuffer(png);
    expect([decoded.width, decoded.height]).toEqual([720, 150 + 2 * 54 + 30]);
  });
});
