// A child of the hostile bench: registers `count` image workers that point at nobody
// (tcp://127.0.0.1:1) and keeps them alive until killed. In its own process, so thousands of
// heartbeats a second never delay the bench's viewer. Prints one JSON line once all are registered.
import { FakeMembers, sampleLoad } from "@zmesh/mesh/testing";

const [mapperEndpoint = "", countArg = "5000", intervalArg = "1000"] = process.argv.slice(2);
const records = Array.from({ length: Number(countArg) }, (_, n) => ({
  service: "image-worker",
  instanceId: `fleet-${String(n).padStart(5, "0")}`,
  endpoint: "tcp://127.0.0.1:1",
  // A real record's size: the directory figures are measured on these.
  metricsAddress: "127.0.0.1:1",
}));
// Idle render slots: the records claim to be the best choice.
const fleet = new FakeMembers(mapperEndpoint, sampleLoad({ jobs: { render: { used: 0, slots: 4 } } }));
const started = performance.now();
// Heartbeats only once every record is in: a burst of them beside the REGISTERs can fill the
// channel's send queue (EAGAIN), and a failed REGISTER ends this process. The first records are
// critical for a moment (1.5 intervals of silence) before their first heartbeat.
const answers = await fleet.register(records);
fleet.keepAlive(Number(intervalArg));
const acks = answers.filter((answer) => answer === "ACK").length;
process.stdout.write(
  `${JSON.stringify({ message: "fleet ready", acks, registerMs: Math.round(performance.now() - started) })}\n`,
);
