import type { MeshInstance, MeshResponse, WorkerFrameRate } from "@zmesh/gateway/api";
import { byId, element } from "./dom.js";
import { shortName, type WorkerColors } from "./worker-colors.js";

const IMAGE_WORKER = "image-worker";
const NO_FRAMES: WorkerFrameRate = { framesPerS: 0, share: 0, renderMs: 0 };

/**
 * The mesh panel: each image worker with what moves at any frame rate (its frames a second and
 * share of the frames, as the gateway counts them, its queue and render time), then every other
 * instance with its load, queue and latency.
 */
export class MeshPanel {
  readonly #list = byId("instances");
  #imageWorkers: string[] = [];

  constructor(private readonly colors: WorkerColors) {}

  /** The image workers shown at the last render. */
  get imageWorkers(): readonly string[] {
    return this.#imageWorkers;
  }

  /** Shows the mesh as the gateway answered it just now. */
  render(mesh: MeshResponse): void {
    const images = mesh.services[IMAGE_WORKER] ?? [];
    this.#imageWorkers = images.map((instance) => instance.id);
    const others = Object.entries(mesh.services).filter(([service]) => service !== IMAGE_WORKER);
    const rows = [
      ...images.map((instance) => this.#imageWorker(instance, mesh.frames.workers[instance.id] ?? NO_FRAMES)),
      ...others.flatMap(([service, instances]) =>
        instances.map((instance) => otherInstance(service, instance)),
      ),
    ];
    if (images.length === 0) rows.unshift(element("li", "empty", "no image worker in the mesh"));
    this.#list.replaceChildren(...rows);
    const workers = mesh.summary[IMAGE_WORKER]?.instances ?? 0;
    byId("mesh-summary").textContent =
      `${mesh.frames.framesPerS.toFixed(1)} frames/s · ${workers} image worker${workers === 1 ? "" : "s"}`;
  }

  #imageWorker(instance: MeshInstance, rate: WorkerFrameRate): HTMLLIElement {
    const color = this.colors.of(instance.id);
    const item = row(instance, IMAGE_WORKER);
    const swatch = element("span", "swatch");
    swatch.style.background = color;
    item.querySelector(".name")?.prepend(swatch);
    const figures = element("div", "figures");
    figures.append(
      figure("frames/s", rate.framesPerS.toFixed(1), "rate"),
      figure("share", `${Math.round(rate.share * 100)}%`, "share"),
      figure("queue", `${instance.queued}`),
      figure("render", rate.renderMs > 0 ? `${Math.round(rate.renderMs)} ms` : "–"),
    );
    const bar = element("div", "bar");
    const fill = element("span", "");
    fill.style.width = `${Math.round(rate.share * 100)}%`;
    fill.style.background = color;
    bar.append(fill);
    item.append(figures, bar);
    return item;
  }
}

function otherInstance(service: string, instance: MeshInstance): HTMLLIElement {
  const item = row(instance, service);
  const figures = element("div", "figures");
  figures.append(
    figure("load", `${Math.round(instance.load * 100)}%`),
    figure("queue", `${instance.queued}`),
    figure("latency", `${Math.round(instance.latencyMs)} ms`),
    figure("served", `${instance.served}`),
  );
  item.append(figures);
  return item;
}

/** An instance's heading: its name (short for image workers, full on hover) and its state. */
function row(instance: MeshInstance, service: string): HTMLLIElement {
  const item = element("li", "instance");
  item.dataset.instance = instance.id;
  item.dataset.service = service;
  const name = element("span", "name", service === IMAGE_WORKER ? shortName(instance.id) : instance.id);
  name.title = `${instance.id} at ${instance.endpoint}`;
  const kind = element("span", "service", service);
  item.append(name, element("span", `state ${instance.state}`, instance.state), kind);
  return item;
}

function figure(label: string, value: string, role?: string): HTMLElement {
  const cell = element("span", "figure");
  const number = element("b", "", value);
  if (role) number.dataset.role = role;
  cell.append(number, element("small", "", label));
  return cell;
}
