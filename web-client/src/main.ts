// The live page: frames over Socket.IO, the mesh and readiness over HTTP. Reconnects by itself, and
// says so: while a component is away, the values it feeds are greyed and the component is named.
// The gateway's shapes are imported as types only (tsconfig paths): esbuild erases them.
import type { ClientToServerEvents, MeshResponse, Readiness, ServerToClientEvents } from "@zmesh/gateway/api";
import { io, type Socket } from "socket.io-client";
import { byId } from "./dom.js";
import { FrameHistory, HISTORY_SIZE } from "./frame-history.js";
import { FrameView } from "./frame-view.js";
import { MeshPanel } from "./mesh-panel.js";
import { type PageFacts, pageState } from "./page-state.js";
import { ReportPanel } from "./report-panel.js";
import { WorkerColors } from "./worker-colors.js";

const colors = new WorkerColors();
const history = new FrameHistory(byId("history"), byId("history-legend"), colors);
const frames = new FrameView(history);
const mesh = new MeshPanel(colors);
const report = new ReportPanel();
const facts: PageFacts = {
  connected: false,
  everConnected: false,
  readiness: undefined,
  lastFrameAt: undefined,
};
/** Whether the page last showed the stream as live (frames current). */
let showsFramesCurrent = false;
byId("history-size").textContent = String(HISTORY_SIZE);

// In a browser, binary attachments arrive as ArrayBuffer.
const socket: Socket<ServerToClientEvents<ArrayBuffer>, ClientToServerEvents> = io({
  transports: ["websocket"],
});
socket.on("connect", () => {
  facts.connected = true;
  facts.everConnected = true;
  update();
  void refreshAll();
  void report.refresh(true);
});
socket.on("disconnect", () => {
  facts.connected = false;
  facts.readiness = undefined;
  update();
  void report.refresh(false);
});
socket.on("frame", (frame) => {
  frames.show(frame);
  facts.lastFrameAt = frames.lastFrameAt;
  // The stream (re)starting shows at once, not at the next tick of the 250 ms refresh.
  if (!showsFramesCurrent) update();
});

/** Applies the page's state: the badge, the overlay on the frame, and which values are greyed. */
function update(now = Date.now()): void {
  frames.tick(now);
  const state = pageState(facts, now);
  showsFramesCurrent = state.framesCurrent;
  document.body.dataset.condition = state.condition;
  const badge = byId("connection");
  badge.textContent = state.badge;
  badge.className = `status ${state.condition}`;
  const overlay = byId("frame-overlay");
  overlay.textContent = state.framesCurrent ? "" : state.badge;
  overlay.hidden = state.framesCurrent;
  for (const id of ["frame", "stats", "history-panel"])
    byId(id).classList.toggle("stale", !state.framesCurrent);
  const meshStale = !facts.connected;
  for (const id of ["instances", "mesh-summary"]) byId(id).classList.toggle("stale", meshStale);
  byId("mesh-status").classList.toggle("problem", meshStale);
  byId("mesh-status").textContent = meshStale
    ? "gateway unreachable — showing the mesh as last seen"
    : "Frames/s, share and render time are counted by the gateway over the last 5 s.";
}

/** The mesh and the gateway's readiness; while the socket is down, the last ones stay (greyed). */
async function refreshAll(): Promise<void> {
  if (!facts.connected) return;
  try {
    const [meshAnswer, readyAnswer] = await Promise.all([fetch("/api/mesh"), fetch("/readyz")]);
    const view = (await meshAnswer.json()) as MeshResponse;
    facts.readiness = (await readyAnswer.json()) as Readiness;
    if (facts.connected) {
      mesh.render(view);
      // A worker neither in the mesh nor in the strip any more gives its colour back.
      colors.retain([...mesh.imageWorkers, ...history.workers]);
    }
  } catch {
    // The gateway went away between the socket's last word and this request: the socket will say so.
  }
  update();
}

setInterval(update, 250);
setInterval(refreshAll, 1000);
setInterval(() => void report.refresh(facts.connected), 5000);
