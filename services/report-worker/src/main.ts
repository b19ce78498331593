import { hostname } from "node:os";
import { ThreadPool } from "@zmesh/mesh";
import { collectProcessMetrics, createLogger, loadConfigOrExit, runWorkerService } from "@zmesh/mesh/service";
import { register } from "prom-client";
import type { ChartInput } from "./chart-thread.js";
import { reportWorkerConfigSchema } from "./config.js";
import { recordSample, type Sample } from "./report/report.js";
import { reportJob } from "./report-job.js";

const SERVICE = "report-worker";
const config = loadConfigOrExit(reportWorkerConfigSchema);
const instanceId = `${SERVICE}-${hostname()}-${process.pid}`;
const logger = createLogger({ service: SERVICE, instance: instanceId, level: config.LOG_LEVEL });
register.setDefaultLabels({ service: SERVICE, instance_id: instanceId });
collectProcessMetrics();

const windowMs = config.REPORT_WINDOW_S * 1000;
let history: Sample[] = [];
// PNG drawing and encoding is CPU-bound: on a thread, like every heavy job.
const charts = new ThreadPool<ChartInput, Uint8Array>(new URL("./chart-thread.js", import.meta.url), 1);
let sampler: NodeJS.Timeout | undefined;

const worker = await runWorkerService({
  service: SERVICE,
  instanceId,
  settings: config,
  logger,
  jobs: {
    report: {
      concurrency: 4,
      queueCapacity: 16,
      run: reportJob({ history: () => history, windowMs, charts, logger }),
    },
  },
  onStop: async () => {
    clearInterval(sampler);
    await charts.close();
  },
});

// The history comes from watching the mapper: the peer client's directory, sampled at a fixed rate.
const directory = worker.peers().directory;
sampler = setInterval(() => {
  const instances = directory.all().map((i) => ({
    service: i.service,
    instanceId: i.instanceId,
    state: i.state,
    utilization: i.load.utilization,
    served: i.load.served,
    refused: i.load.refused,
  }));
  history = recordSample(history, { at: Date.now(), instances }, windowMs);
}, config.SAMPLE_INTERVAL_MS);
