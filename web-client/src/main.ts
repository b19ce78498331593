// The live page: frames over Socket.IO, the mesh over /api/mesh. Reconnects by itself.
// The gateway's shapes are imported as types only (tsconfig paths): esbuild erases them.
import type {
  ClientToServerEvents,
  MeshInstance,
  MeshResponse,
  ServerToClientEvents,
} from "@zmesh/gateway/api";
import { io, type Socket } from "socket.io-client";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const image = $<HTMLImageElement>("frame");
const connection = $("connection");

// --- the stream ---------------------------------------------------------------------------
// In a browser, binary attachments arrive as ArrayBuffer.
const socket: Socket<ServerToClientEvents<ArrayBuffer>, ClientToServerEvents> = io({
  transports: ["websocket"],
});
const arrivals: number[] = [];
let shownUrl: string | undefined;

socket.on("connect", () => setConnection("live", "live"));
socket.on("disconnect", () => setConnection("connecting", "reconnecting…"));
socket.io.on("reconnect_attempt", () => setConnection("connecting", "reconnecting…"));
socket.on("connect_error", () => setConnection("down", "gateway unreachable, retrying…"));

socket.on("frame", (frame) => {
  const now = Date.now();
  const url = URL.createObjectURL(new Blob([frame.jpeg], { type: "image/jpeg" }));
  image.onload = () => {
    if (shownUrl) URL.revokeObjectURL(shownUrl);
    shownUrl = url;
  };
  image.src = url;
  arrivals.push(now);
  while (arrivals.length > 0 && (arrivals[0] as number) < now - 2000) arrivals.shift();
  $("worker").textContent = frame.worker.replace(/^image-worker-/, "");
  $("worker").title = frame.worker;
  $("fps").textContent = (arrivals.length / 2).toFixed(1);
  // Ages across machines assume synchronised clocks; on one host they are exact.
  $("age").textContent = `${Math.max(0, now - frame.requestedAt)} ms`;
  $("seq").textContent = `#${frame.seq}`;
});

function setConnection(kind: "live" | "connecting" | "down", text: string): void {
  connection.className = `status ${kind}`;
  connection.textContent = text;
}

// --- the mesh panel -----------------------------------------------------------------------
async function refreshMesh(): Promise<void> {
  try {
    const response = await fetch("/api/mesh");
    const mesh = (await response.json()) as MeshResponse;
    renderMesh(mesh.services);
  } catch {
    // The gateway is restarting: the connection badge says so; try again on the next round.
  }
}

function renderMesh(services: Record<string, MeshInstance[]>): void {
  const list = $("instances");
  const rows = Object.entries(services).flatMap(([service, instances]) =>
    instances.map((instance) => {
      const item = document.createElement("li");
      const name = Object.assign(document.createElement("span"), {
        className: "name",
        textContent: instance.id,
      });
      const state = Object.assign(document.createElement("span"), {
        className: `state ${instance.state}`,
        textContent: instance.state,
      });
      const label = Object.assign(document.createElement("span"), {
        className: "service",
        textContent: service,
      });
      const percent = Object.assign(document.createElement("span"), {
        className: "service",
        textContent: `${Math.round(instance.load * 100)}% load`,
      });
      const bar = Object.assign(document.createElement("div"), { className: "bar" });
      const fill = document.createElement("span");
      fill.style.width = `${Math.min(100, Math.round(instance.load * 100))}%`;
      bar.append(fill);
      item.append(name, state, label, percent, bar);
      item.dataset.instance = instance.id;
      return item;
    }),
  );
  if (rows.length === 0) {
    list.replaceChildren(
      Object.assign(document.createElement("li"), { className: "empty", textContent: "no instances yet" }),
    );
  } else {
    list.replaceChildren(...rows);
  }
}

void refreshMesh();
setInterval(refreshMesh, 1000);

// --- the latest report (a PNG chart drawn by the report worker) -----------------------------
const chart = $<HTMLImageElement>("report-chart");
async function refreshReport(): Promise<void> {
  try {
    const response = await fetch("/api/reports/latest.png");
    if (!response.ok) throw new Error(`${response.status}`);
    const url = URL.createObjectURL(await response.blob());
    const previous = chart.src;
    chart.src = url;
    if (previous.startsWith("blob:")) URL.revokeObjectURL(previous);
    $("report-status").textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch {
    $("report-status").textContent = "report worker not reachable yet";
  }
}
void refreshReport();
setInterval(refreshReport, 5000);
