import type { InstanceRecord } from "@zmesh/mesh";

/** One target group of Prometheus's HTTP service discovery (`http_sd_configs`). */
export interface ScrapeTargetGroup {
  targets: [string];
  labels: { service: string; instance: string };
}

/**
 * The directory as Prometheus HTTP service discovery: one group per instance that advertises a
 * metrics address, labelled with its service and named by its instance id, so a new worker type or
 * replica is scraped with no change to Prometheus's configuration.
 *
 * A metrics address is a claim like any other: it is listed only when its host is the host of the
 * instance's tcp job endpoint (as workers advertise it), so a record cannot point Prometheus at some
 * other machine.
 */
export function scrapeTargets(instances: readonly InstanceRecord[]): ScrapeTargetGroup[] {
  return instances.flatMap(({ service, instanceId, endpoint, metricsAddress }) =>
    metricsAddress && hostOf(metricsAddress) === hostOf(endpoint.replace(/^tcp:\/\//, ""))
      ? [{ targets: [metricsAddress], labels: { service, instance: instanceId } }]
      : [],
  );
}

/** The host of `host:port` (IPv6 hosts stay bracketed); undefined for anything else, ipc paths included. */
function hostOf(address: string): string | undefined {
  const colon = address.lastIndexOf(":");
  return colon > 0 && !address.includes("/") ? address.slice(0, colon) : undefined;
}
