import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { repoRoot } from "./compose-project.js";

/** A query a user's screen runs, named by where it is shown. */
export interface ShownQuery {
  where: string;
  expr: string;
}

interface Dashboard {
  panels: { type: string; title: string; targets?: { expr: string }[] }[];
  templating: { list: { name: string; allValue: string }[] };
}

/** Every query of the Grafana dashboard, with its template variables set to "All". */
export function dashboardQueries(): ShownQuery[] {
  const path = resolve(repoRoot, "deploy/grafana/dashboards/zmesh-overview.json");
  const dashboard = JSON.parse(readFileSync(path, "utf8")) as Dashboard;
  const withAll = (expr: string) =>
    dashboard.templating.list.reduce(
      (text, { name, allValue }) => text.replaceAll(`$${name}`, allValue),
      expr,
    );
  return dashboard.panels.flatMap(({ title, targets = [] }) =>
    targets.map(({ expr }) => ({ where: `dashboard panel "${title}"`, expr: withAll(expr) })),
  );
}

/** The queries of the zmesh console's graphs: its `expr:` lines, one query or a list of them. */
export function consoleGraphQueries(): ShownQuery[] {
  const html = readFileSync(resolve(repoRoot, "deploy/prometheus/consoles/zmesh.html"), "utf8");
  // `expr: "..."` on one line, or `expr: [` then one quoted query a line up to a line holding `],`.
  const exprs = html.match(/expr: (?:"[^"\n]+"|\[\n[\s\S]*?\n\s*\],)/g) ?? [];
  return exprs.flatMap((line) =>
    [...line.matchAll(/"([^"]+)"/g)].map(([, expr]) => ({
      where: "zmesh console graph",
      expr: expr as string,
    })),
  );
}
