/** Grafana dashboards of deploy/grafana/dashboards: loading, their PromQL, and Grafana variable expansion. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './tools';

/** The part of a Grafana panel the tests read (rows nest their panels when collapsed). */
export interface Panel {
  id?: number;
  type: string;
  title: string;
  targets?: { refId?: string; expr?: string; datasource?: unknown }[];
  panels?: Panel[];
  datasource?: unknown;
}

/** The part of a Grafana dashboard the tests read. */
export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating?: { list: { name: string; type: string; query?: string; current?: { value?: unknown } }[] };
}

/** One PromQL expression and where it came from. */
export interface DashboardQuery {
  file: string;
  panel: string;
  refId: string;
  expr: string;
}

export const dashboardsDir = join(repoRoot, 'deploy/grafana/dashboards');

/** Every dashboard file name with its parsed JSON (throws on a file that does not parse). */
export function loadDashboards(dir = dashboardsDir): { file: string; dashboard: Dashboard }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(dir, file), 'utf8')) as Dashboard }));
}

/** Every panel that shows data (rows themselves excluded), nested ones included. */
export function dataPanels(dashboard: Dashboard): Panel[] {
  const out: Panel[] = [];
  const walk = (panels: Panel[]) => {
    for (const p of panels) {
      if (p.type === 'row') walk(p.panels ?? []);
      else out.push(p);
    }
  };
  walk(dashboard.panels);
  return out;
}

/** Every target expression of every panel. */
export function dashboardQueries(file: string, dashboard: Dashboard): DashboardQuery[] {
  return dataPanels(dashboard).flatMap((p) =>
    (p.targets ?? []).map((t) => ({ file, panel: p.title, refId: t.refId ?? '?', expr: t.expr ?? '' })),
  );
}

/** Values Grafana substitutes for its built-in interval variables, as a Prometheus datasource would. */
const BUILTINS: Record<string, string> = {
  __rate_interval: '1m',
  __interval: '15s',
  __range: '1h',
  __range_s: '3600',
};

/**
 * Expands `$var`, `${var}` and `[[var]]` as Grafana would before sending the query: built-ins get typical
 * values, dashboard variables their current value (a multi-value "All" becomes `.*`).
 */
export function expandVariables(expr: string, dashboard: Dashboard): string {
  const values: Record<string, string> = { ...BUILTINS };
  for (const v of dashboard.templating?.list ?? []) {
    const current = v.current?.value;
    const value = Array.isArray(current) ? current[0] : current;
    values[v.name] = value === undefined || value === '$__all' ? '.*' : String(value);
  }
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)/g, (whole, a, b, c) => {
    const name = (a ?? b ?? c) as string;
    if (!(name in values)) throw new Error(`unknown Grafana variable ${whole} in: ${expr}`);
    return values[name];
  });
}

/** Metric names (`pure_...`) an expression reads, with histogram series suffixes removed. */
export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  for (const m of expr.matchAll(/\bpure_[a-zA-Z0-9_]+/g)) names.add(m[0].replace(/_(bucket|sum|count)$/, ''));
  return [...names].sort();
}
