// One process of bench viewers: `count` Socket.IO clients on the default stream for `seconds`.
// Prints one JSON line: frames per client and every frame's age at arrival (same host, same clock).
import { writeFileSync } from "node:fs";
import { io, type Socket } from "socket.io-client";

const [url = "", countArg = "100", secondsArg = "10", resultFile = ""] = process.argv.slice(2);
const count = Number(countArg);
const seconds = Number(secondsArg);
const sockets: Socket[] = [];
const frames = new Array<number>(count).fill(0);
const ages: number[] = [];
const sinceRender: number[] = [];
let measuring = false;

let connected = 0;
for (let i = 0; i < count; i++) {
  const socket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false });
  socket.on("connect", () => {
    connected++;
  });
  socket.on("frame", (frame: { requestedAt: number; renderedAt: number }) => {
    if (!measuring) return;
    const now = Date.now();
    frames[i] = (frames[i] ?? 0) + 1;
    ages.push(now - frame.requestedAt);
    sinceRender.push(now - frame.renderedAt);
  });
  sockets.push(socket);
}
const deadline = Date.now() + 30_000;
while (connected < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
process.stdout.write(`${JSON.stringify({ ready: connected })}\n`);
// The parent starts every swarm's window together by sending a line on stdin.
await new Promise((resolve) => process.stdin.once("data", resolve));
measuring = true;
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
measuring = false;
// Hundreds of thousands of samples: through a file, not a pipe that process.exit could cut short.
writeFileSync(resultFile, JSON.stringify({ connected, frames, ages, sinceRender }));
process.stdout.write(`${JSON.stringify({ done: resultFile })}\n`);
for (const socket of sockets) socket.close();
process.exit(0);
