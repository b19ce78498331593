import { PeerClient } from "@zmesh/mesh";
import { ServiceProcess, startMapperProcess, useCleanup, waitFor } from "@zmesh/mesh/testing";
import sharp from "sharp";

const { group, closeLater } = useCleanup();

describe("image-worker service", () => {
  it("registers as image-worker and renders frames on its thread pool, naming itself on each", async () => {
    const { endpoint } = group.add(await startMapperProcess());
    const worker = new ServiceProcess("services/image-worker/dist/src/main.js", {
      MAPPER_ENDPOINT: endpoint,
      WORKER_NAME: "alpha",
    });
    group.add({ worker });
    const peers = closeLater(new PeerClient({ mapperEndpoint: endpoint }));
    await waitFor(
      "the image worker in the directory",
      () => peers.directory.instances("image-worker").length === 1,
    );

    const frames = await Promise.all(
      [1, 2, 3].map(() => peers.call("image-worker", "render", Buffer.from("{}"))),
    );
    for (const frame of frames) {
      expect(frame.contentType).toBe("image/jpeg");
      expect(frame.servedBy).toBe("image-worker-alpha");
      const info = await sharp(Buffer.from(frame.payload)).metadata();
      expect([info.format, info.width, info.height]).toEqual(["jpeg", 400, 300]);
    }
    // Timestamps in microseconds: no two frames are alike.
    expect(new Set(frames.map((f) => Buffer.from(f.payload).toString("base64"))).size).toBe(3);
    const [instance] = peers.directory.instances("image-worker");
    expect(instance?.load.jobs.render?.slots).toBe(2 + 4);
  });
});
