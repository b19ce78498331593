// A zmesh worker for rpc-bench's skewed scenario: its `echo` job answers after DELAY_MS.
import { hostname } from "node:os";
import {
  createLogger,
  intSetting,
  loadConfigOrExit,
  memberSettings,
  runWorkerService,
  workerServiceSettings,
} from "@zmesh/mesh/service";
import { z } from "zod";

const config = loadConfigOrExit(
  z.object({
    ...memberSettings,
    ...workerServiceSettings,
    SERVICE_NAME: z.string().default("skew"),
    DELAY_MS: intSetting(0, 10_000, 1),
  }),
);
const instanceId = `${config.SERVICE_NAME}-${hostname()}-${process.pid}`;
const logger = createLogger({ service: config.SERVICE_NAME, instance: instanceId, level: config.LOG_LEVEL });

await runWorkerService({
  service: config.SERVICE_NAME,
  instanceId,
  settings: config,
  logger,
  jobs: {
    echo: {
      concurrency: 64,
      queueCapacity: 1024,
      run: ({ payload, contentType }) =>
        new Promise((done) => setTimeout(() => done({ payload, contentType }), config.DELAY_MS)),
    },
  },
});
