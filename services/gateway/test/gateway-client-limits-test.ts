import { startSystem, useCleanup, waitFor } from "@zmesh/mesh/testing";
import type { ManagerOptions, Socket, SocketOptions } from "socket.io-client";
import type { ConnectError, FrameEvent, MeshResponse, Refusal, SubscribeAnswer } from "../src/gateway-api.js";
import { useGatewayClients } from "./support/gateway-clients.js";

const cleanup = useCleanup();
const open = useGatewayClients();

const LIMITS = { MAX_CONNECTIONS_PER_ADDRESS: "4", SUBSCRIBE_RATE_PER_S: "1", SUBSCRIBE_BURST: "3" };

/** A Socket.IO client whose connection comes from `localAddress` (any 127.x.y.z is this host). */
function connect(base: string, localAddress: string) {
  const frames: FrameEvent[] = [];
  // localAddress reaches the `ws` transport under Node, though socket.io-client's types omit it.
  const options: Partial<ManagerOptions & SocketOptions> & { localAddress: string } = {
    reconnection: false,
    localAddress,
  };
  const socket = open(base, options);
  socket.on("frame", (frame) => frames.push(frame));
  const outcome = new Promise<{ connected: true } | { connected: false; refusal: Refusal }>((resolve) => {
    socket.once("connect", () => resolve({ connected: true }));
    socket.once("connect_error", (error: ConnectError) =>
      resolve({ connected: false, refusal: error.data as Refusal }),
    );
  });
  return { socket, frames, outcome };
}

async function metric(base: string, pattern: RegExp): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(pattern.exec(text)?.[1] ?? Number.NaN);
}

describe("gateway client limits", () => {
  it("refuses an address's 40 sockets past its limit while a normal viewer keeps its frames", async () => {
    const { base, gateway } = await startSystem(cleanup, { STREAM_FPS: "10", ...LIMITS });
    const viewer = connect(base, "127.0.0.1");
    expect(await viewer.outcome).toEqual({ connected: true });
    await waitFor("the viewer's first frames", () => viewer.frames.length >= 3);

    const greedy = Array.from({ length: 40 }, () => connect(base, "127.0.0.2"));
    const outcomes = await Promise.all(greedy.map((client) => client.outcome));
    const admitted = greedy.filter((_, i) => outcomes[i]?.connected);
    expect(admitted).toHaveLength(4);
    const refusals = outcomes.filter((o) => !o.connected);
    expect(refusals).toHaveLength(36);
    for (const refusal of refusals)
      expect(refusal).toEqual({
        connected: false,
        refusal: {
          reason: "connections_per_address",
          error: "too many connections from your address: at most 4",
        },
      });

    // Each admitted socket asks for its own 30 fps stream: they share one render loop.
    const answers = await Promise.all(
      admitted.map((client, i) => client.socket.emitWithAck("subscribe", { stream: `greedy-${i}`, fps: 30 })),
    );
    expect(answers.every((a) => a.ok)).toBe(true);
    const mesh = (await (await fetch(`${base}/api/mesh`)).json()) as MeshResponse;
    expect(mesh.renderLoops.map((l) => [l.fps, l.streams]).sort()).toEqual([
      [10, 1],
      [30, 4],
    ]);

    const before = viewer.frames.length;
    await waitFor("ten more frames for the viewer", () => viewer.frames.length >= before + 10, 3000);
    expect(viewer.frames.every((f) => f.stream === "main")).toBe(true);
    await waitFor("frames for every admitted greedy socket", () =>
      admitted.every((c) => c.frames.length > 0),
    );
    expect(
      await metric(base, /zmesh_gateway_refusals_total\{reason="connections_per_address"[^}]*\} (\d+)/),
    ).toBe(36);
    // Refusals are logged, but throttled: one line for the whole burst.
    expect(gateway.logs.filter((l) => l.message === "client refused")).toHaveLength(1);

    // A slot freed by a disconnect is free again.
    admitted[0]?.socket.close();
    await waitFor(
      "a new socket from the greedy address admitted",
      async () => (await connect(base, "127.0.0.2").outcome).connected,
      5000,
    );
    expect(gateway.running).toBe(true);
  });

  it("answers subscribes past the client's rate with an error; the client stays connected and served", async () => {
    const { base, gateway } = await startSystem(cleanup, { STREAM_FPS: "10", ...LIMITS });
    const client = connect(base, "127.0.0.1");
    await client.outcome;
    await waitFor("first frames", () => client.frames.length > 0);

    const answers: SubscribeAnswer[] = [];
    for (let i = 0; i < 20; i++)
      answers.push(await client.socket.emitWithAck("subscribe", { stream: `s-${i}`, fps: 5 }));
    const accepted = answers.filter((a) => a.ok);
    // The burst of 3 (plus at most one token refilled at 1/s while sending) goes through.
    expect(accepted.length).toBeGreaterThanOrEqual(3);
    expect(accepted.length).toBeLessThanOrEqual(4);
    const refused = answers.filter((a) => !a.ok);
    expect(refused[0]).toEqual({
      ok: false,
      reason: "subscribe_rate",
      error: "too many subscribes: at most 1 a second (burst 3)",
    });
    // Subscribes without an ack (outside the typed events: an untyped client) are answered with an event.
    const event = new Promise((resolve) => client.socket.once("subscribe:error", resolve));
    const untyped: Socket = client.socket;
    untyped.emit("subscribe", { stream: "no-ack", fps: 5 });
    expect(await event).toMatchObject({ ok: false, reason: "subscribe_rate" });

    const last = accepted.at(-1) as { stream: string };
    const count = client.frames.length;
    await waitFor("frames of the last accepted stream", () =>
      client.frames.slice(count).some((f) => f.stream === last.stream),
    );
    expect(client.socket.connected).toBe(true);
    expect(await metric(base, /zmesh_gateway_refusals_total\{reason="subscribe_rate"[^}]*\} (\d+)/)).toBe(
      refused.length + 1,
    );
    // A token comes back after a second: the client may switch again.
    const again = await waitFor(
      "a subscribe accepted again",
      async () => {
        const answer = await client.socket.emitWithAck("subscribe", {
          stream: "later",
          fps: 5,
        });
        return answer.ok && answer;
      },
      3000,
      300,
    );
    expect(again).toEqual({ ok: true, stream: "later", fps: 5 });
    expect(gateway.running).toBe(true);
  });
});
