import type { Change, InstanceRecord } from "@zmesh/mesh";

// Pure formatting for the CLI: records in, text out.

const INSTANCE_COLUMNS = [
  "SERVICE",
  "INSTANCE",
  "STATE",
  "LOAD",
  "IN-FLIGHT",
  "QUEUED",
  "LATENCY",
  "ENDPOINT",
] as const;
const SUMMARY_COLUMNS = ["SERVICE", "INSTANCES", "PASSING", "WARNING", "CRITICAL", "LOAD MEAN", "LOAD MAX"];

/** Above this many instances `ls` summarises per service and shows only the first rows. */
export const ROWS_BEFORE_SUMMARY = 50;

/**
 * The directory for a terminal: every instance when there are few; with many, a line per service
 * (instances by state, mean and max load) and the first `maxRows` instances, so 5,000 stay readable.
 */
export function directoryView(instances: readonly InstanceRecord[], maxRows = ROWS_BEFORE_SUMMARY): string {
  if (instances.length <= maxRows) return instanceTable(instances);
  const rest = instances.length - maxRows;
  return [
    serviceSummary(instances),
    instanceTable(sortedInstances(instances).slice(0, maxRows)),
    `… and ${rest} more instance${rest === 1 ? "" : "s"} (--all lists every one, --json prints them all)\n`,
  ].join("\n");
}

/** Every instance, one row each, sorted by service and instance id. */
export function instanceTable(instances: readonly InstanceRecord[]): string {
  if (instances.length === 0) return "no instances registered\n";
  const rows = sortedInstances(instances).map((i) => [
    i.service,
    i.instanceId,
    i.state,
    `${loadBar(i.load.utilization)} ${percent(i.load.utilization)}`,
    String(i.load.inFlight),
    String(i.load.queued),
    `${i.load.latencyMs.toFixed(1)} ms`,
    i.endpoint,
  ]);
  return table(INSTANCE_COLUMNS, rows);
}

/** One line per service: how many instances in each health state, and their mean and max load. */
export function serviceSummary(instances: readonly InstanceRecord[]): string {
  const services = new Map<
    string,
    { count: number; states: Record<string, number>; sum: number; max: number }
  >();
  for (const { service, state, load } of instances) {
    let summary = services.get(service);
    if (!summary) {
      summary = { count: 0, states: { passing: 0, warning: 0, critical: 0 }, sum: 0, max: 0 };
      services.set(service, summary);
    }
    summary.count++;
    summary.states[state] = (summary.states[state] ?? 0) + 1;
    summary.sum += load.utilization;
    summary.max = Math.max(summary.max, load.utilization);
  }
  const rows = [...services.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([service, s]) => [
      service,
      String(s.count),
      String(s.states.passing),
      String(s.states.warning),
      String(s.states.critical),
      percent(s.sum / s.count).trim(),
      percent(s.max).trim(),
    ]);
  return table(SUMMARY_COLUMNS, rows);
}

/** One line for one directory change, as `zmesh watch` prints it. */
export function changeLine(change: Change, at: Date): string {
  const { kind, instance } = change;
  const time = at.toISOString().slice(11, 23);
  return `${time}  ${kind.padEnd(12)} ${instance.service}/${instance.instanceId}  ${instance.state}  load ${percent(instance.load.utilization)}  ${instance.endpoint}\n`;
}

function sortedInstances(instances: readonly InstanceRecord[]): InstanceRecord[] {
  return [...instances].sort(
    (a, b) => a.service.localeCompare(b.service) || a.instanceId.localeCompare(b.instanceId),
  );
}

function table(columns: readonly string[], rows: readonly string[][]): string {
  const widths = columns.map((title, column) =>
    rows.reduce((widest, row) => Math.max(widest, (row[column] ?? "").length), title.length),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd();
  return `${[line(columns), ...rows.map(line)].join("\n")}\n`;
}

function percent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`.padStart(4);
}

function loadBar(ratio: number, width = 10): string {
  const filled = Math.min(width, Math.round(ratio * width));
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
}
