import type { Change, InstanceRecord } from "@zmesh/mesh";

// Pure formatting for the CLI: records in, text out.

const COLUMNS = [
  "SERVICE",
  "INSTANCE",
  "STATE",
  "LOAD",
  "IN-FLIGHT",
  "QUEUED",
  "LATENCY",
  "ENDPOINT",
] as const;

export function instanceTable(instances: readonly InstanceRecord[]): string {
  if (instances.length === 0) return "no instances registered\n";
  const sorted = [...instances].sort(
    (a, b) => a.service.localeCompare(b.service) || a.instanceId.localeCompare(b.instanceId),
  );
  const rows = sorted.map((i) => [
    i.service,
    i.instanceId,
    i.state,
    `${loadBar(i.load.utilization)} ${percent(i.load.utilization)}`,
    String(i.load.inFlight),
    String(i.load.queued),
    `${i.load.latencyMs.toFixed(1)} ms`,
    i.endpoint,
  ]);
  const widths = COLUMNS.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd();
  return `${[line(COLUMNS), ...rows.map(line)].join("\n")}\n`;
}

export function changeLine(change: Change, at: Date): string {
  const { kind, instance } = change;
  const time = at.toISOString().slice(11, 23);
  return `${time}  ${kind.padEnd(12)} ${instance.service}/${instance.instanceId}  ${instance.state}  load ${percent(instance.load.utilization)}  ${instance.endpoint}\n`;
}

function percent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`.padStart(4);
}

function loadBar(ratio: number, width = 10): string {
  const filled = Math.min(width, Math.round(ratio * width));
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
}
