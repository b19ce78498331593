import { silentLogger } from "../observability/logger.js";
import type { DirectoryChange, InstanceRecord } from "../protocol/mod.js";
import { clientSocketOptions, INSECURE, type MeshSecurity } from "../security/mesh-security.js";
import type { DirectoryView } from "./directory-cache.js";
import { fetchMerged } from "./fetch-merged.js";
import { MapperSet } from "./mapper-set.js";
import { MappersWatcher } from "./mappers-watcher.js";

/** One change to the directory, as `MapperClient.watch` reports it (the protocol's DirectoryChange). */
export type Change = DirectoryChange;

/**
 * For operator tools: read the directory once, or follow its changes. Jobs go through PeerClient.
 * Given several mapper replicas (or a DNS name standing for them), it asks every one and merges
 * their directories: an instance any of them lists, with its freshest record.
 *
 * @example
 * const client = new MapperClient("tcp://127.0.0.1:5555"); // or ["tcp://10.0.0.1:5555", "tcp://10.0.0.2:5555"]
 * const instances = await client.list("image-worker");
 * const { ready } = client.watch((change) => console.log(change.kind, change.instance.instanceId));
 * await ready; // from here on no change is missed
 * client.close();
 */
export class MapperClient {
  readonly #mappers: MapperSet;
  readonly #watchers: MappersWatcher[] = [];
  readonly #secured: ReturnType<typeof clientSocketOptions>;
  /** The mapper endpoints as given. */
  readonly mapperEndpoints: readonly string[];

  /**
   * Talks to the mapper(s) whose control socket is `mapperEndpoint` (tcp or ipc; a list for replicas,
   * a DNS name for all its addresses), over CURVE when given a key set (a mapper with CURVE admits
   * no one else); ZeroMQ connects in the background.
   */
  constructor(mapperEndpoint: string | readonly string[], security: MeshSecurity = INSECURE) {
    this.mapperEndpoints = typeof mapperEndpoint === "string" ? [mapperEndpoint] : mapperEndpoint;
    this.#secured = "curve" in security ? clientSocketOptions(security, security.curve.mapperPublicKey) : {};
    this.#mappers = new MapperSet({
      endpoints: this.mapperEndpoints,
      onMalformed: () => {},
      secured: this.#secured,
    });
  }

  /**
   * The live instances, optionally of one service, every page of them, from every mapper merged;
   * rejects if no mapper answers within `timeoutMs`. Names are resolved first (within the same time).
   */
  async list(service?: string, timeoutMs = 2000): Promise<InstanceRecord[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.#mappers.channels.size === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    return fetchMerged([...this.#mappers.channels.values()], Math.max(1, deadline - Date.now()), service);
  }

  /**
   * Calls `onChange` for every registration, deregistration, expiry and state change of the merged
   * directory (once, however many mappers report it). `ready` resolves once events flow (the first
   * snapshot arrived), so no later change is missed.
   */
  watch(onChange: (change: Change) => void): { directory: DirectoryView; ready: Promise<void> } {
    const watcher = new MappersWatcher({
      mappers: this.#mappers,
      logger: silentLogger(),
      onMalformed: () => {},
      onChange,
      secured: this.#secured,
    });
    this.#watchers.push(watcher);
    return { directory: watcher.directory, ready: watcher.subscribed };
  }

  /** Closes every watch and the channels to the mappers. */
  close(): void {
    for (const watcher of this.#watchers) watcher.close();
    this.#mappers.close();
  }
}
