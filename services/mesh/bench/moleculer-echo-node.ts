// A Moleculer 0.14 node serving `echo.echo` for rpc-bench: answers after DELAY_MS (0: at once).
// Settings come as env: NODE_ID, PORT, PEERS (JSON {nodeID: port}), NAMESPACE, DELAY_MS.
import moleculer from "moleculer";
import { moleculerBrokerOptions } from "./loopback-tcp.js";

const delayMs = Number(process.env.DELAY_MS ?? 0);
const broker = new moleculer.ServiceBroker(
  moleculerBrokerOptions(
    String(process.env.NODE_ID),
    Number(process.env.PORT),
    JSON.parse(process.env.PEERS ?? "{}") as Record<string, number>,
    String(process.env.NAMESPACE),
  ),
);
broker.createService({
  name: "echo",
  actions: {
    echo:
      delayMs > 0
        ? (context) => new Promise((done) => setTimeout(() => done(context.params), delayMs))
        : (context) => context.params,
  },
});
await broker.start();
process.stdout.write(`${JSON.stringify({ message: "listening", pid: process.pid })}\n`);
