// A child of the hostile bench: registers `count` image workers that point at nobody
// (tcp://127.0.0.1:1) and keeps them alive until killed. In its own process, so thousands of
// heartbeats a second never delay the bench's viewer. Prints one JSON line once all are registered.
import { FakeRecords } from "./fake-records.js";

const [mapperEndpoint = "", countArg = "5000", intervalArg = "1000"] = process.argv.slice(2);
const count = Number(countArg);
const records = Array.from({ length: count }, (_, n) => ({
  service: "image-worker",
  instanceId: `fleet-${String(n).padStart(5, "0")}`,
  endpoint: "tcp://127.0.0.1:1",
  metricsAddress: "127.0.0.1:1",
}));
const fleet = new FakeRecords(mapperEndpoint);
const started = performance.now();
// Heartbeats start with the first registration: a record is critical after 1.5 intervals of silence.
fleet.keepAlive(Number(intervalArg));
const acks = await fleet.register(records);
process.stdout.write(
  `${JSON.stringify({ message: "fleet ready", acks, registerMs: Math.round(performance.now() - started) })}\n`,
);
