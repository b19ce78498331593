import { Jimp, loadFont } from "jimp";
import { SANS_16_WHITE } from "jimp/fonts";
import { buildReport, type InstanceSample } from "../src/report/report.js";
import { renderChart } from "../src/report/report-chart.js";

const sample = (instanceId: string, served: number): InstanceSample => ({
  service: "image-worker",
  instanceId,
  state: "passing",
  utilization: 0.3,
  served,
  refused: 0,
});

describe("report chart text", () => {
  it("prints only glyphs the bundled font has, cutting long ids with '...'", async () => {
    const font = await loadFont(SANS_16_WHITE);
    const printed: string[] = [];
    // The chart's own Jimp, recording what it prints (jimp's plugins set `print` on each image).
    class RecordingJimp extends Jimp {
      constructor(...options: ConstructorParameters<typeof Jimp>) {
        super(...options);
        const print = this.print.bind(this);
        this.print = (options) => {
          printed.push(String(options.text));
          return print(options);
        };
      }
    }
    const longId = "image-worker-a-very-long-container-hostname-0123456789";
    const report = buildReport(
      [
        { at: 1000, instances: [sample(longId, 1), sample("beta", 1)] },
        { at: 2000, instances: [sample(longId, 4), sample("beta", 2)] },
      ],
      60_000,
      2000,
    );
    await renderChart(report, { Jimp: RecordingJimp as typeof Jimp, font });

    expect(printed).toContain("image-worker-a-very-l...");
    expect(printed).toContain("75%"); // the long id's share of jobs, printed beside its bar
    const missing = printed
      .join("")
      .split("")
      .filter((glyph) => !(glyph in font.chars));
    expect(missing).toEqual([]);
  });
});
