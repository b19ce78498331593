// The baseline: a bare ZeroMQ ROUTER that echoes every message, with no framing, validation or queue.
import { Router } from "zeromq";

const router = new Router({ linger: 0, sendHighWaterMark: 100_000, receiveHighWaterMark: 100_000 });
await router.bind(process.argv[2] ?? "tcp://127.0.0.1:*");
process.stdout.write(`${JSON.stringify({ message: "listening", endpoint: router.lastEndpoint })}\n`);
for await (const frames of router) await router.send(frames);
