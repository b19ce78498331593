import { silentLogger } from "../observability/logger.js";
import type { DirectoryChange, InstanceRecord } from "../protocol/mod.js";
import { clientSocketOptions, INSECURE, type MeshSecurity } from "../security/mesh-security.js";
import { DealerChannel } from "../transport/dealer-channel.js";
import { DirectoryCache, type DirectoryView } from "./directory-cache.js";
import { DirectoryWatcher } from "./directory-watcher.js";
import { fetchDirectory } from "./fetch-directory.js";

/** One change to the directory, as `MapperClient.watch` reports it (the protocol's DirectoryChange). */
export type Change = DirectoryChange;

/**
 * For operator tools: read the directory once, or follow its changes. Jobs go through PeerClient.
 *
 * @example
 * const client = new MapperClient("tcp://127.0.0.1:5555");
 * const instances = await client.list("image-worker");
 * const { ready } = client.watch((change) => console.log(change.kind, change.instance.instanceId));
 * await ready; // from here on no change is missed
 * client.close();
 */
export class MapperClient {
  readonly #control: DealerChannel;
  readonly #watchers: DirectoryWatcher[] = [];

  readonly #secured: ReturnType<typeof clientSocketOptions>;

  /**
   * Talks to the mapper whose control socket is `mapperEndpoint` (tcp or ipc), over CURVE when given
   * a key set (a mapper with CURVE admits no one else); ZeroMQ connects in the background.
   */
  constructor(
    readonly mapperEndpoint: string,
    security: MeshSecurity = INSECURE,
  ) {
    this.#secured = "curve" in security ? clientSocketOptions(security, security.curve.mapperPublicKey) : {};
    this.#control = new DealerChannel(mapperEndpoint, { onMalformed: () => {}, secured: this.#secured });
  }

  /**
   * The live instances, optionally of one service, every page of them; rejects if the mapper does
   * not answer a page within `timeoutMs`.
   */
  async list(service?: string, timeoutMs = 2000): Promise<InstanceRecord[]> {
    return (await fetchDirectory(this.#control, timeoutMs, service)).instances;
  }

  /**
   * Calls `onChange` for every registration, deregistration, expiry and state change. `ready`
   * resolves once events flow (the first snapshot arrived), so no later change is missed.
   */
  watch(onChange: (change: Change) => void): { directory: DirectoryView; ready: Promise<void> } {
    const directory = new DirectoryCache();
    const watcher = new DirectoryWatcher({
      control: this.#control,
      mapperEndpoint: this.mapperEndpoint,
      cache: directory,
      logger: silentLogger(),
      onMalformed: () => {},
      onChange,
      secured: this.#secured,
    });
    this.#watchers.push(watcher);
    return { directory, ready: watcher.subscribed };
  }

  /** Closes every watch and the control channel. */
  close(): void {
    for (const watcher of this.#watchers) watcher.close();
    this.#control.close();
  }
}
