/** Small builders for Grafana dashboard JSON (schema 39), so the dashboards stay short and consistent. */

/** Every panel reads the dashboard's `datasource` variable, so the JSON works with any Prometheus uid. */
const DS = { type: 'prometheus', uid: '${datasource}' };

/** A PromQL target: `legend` is Grafana's legendFormat; `heatmap` for bucket series. */
export interface Target {
  expr: string;
  legend?: string;
  format?: 'time_series' | 'heatmap';
  instant?: boolean;
}

/** Where a panel sits on the 24-column grid. */
export interface Grid {
  x: number;
  y: number;
  w: number;
  h: number;
}

type Json = Record<string, unknown>;

function targets(list: Target[]): Json[] {
  return list.map((t, i) => ({
    datasource: DS,
    refId: String.fromCharCode(65 + i),
    expr: t.expr,
    legendFormat: t.legend ?? '__auto',
    format: t.format ?? 'time_series',
    range: !t.instant,
    instant: t.instant ?? false,
  }));
}

function panel(type: string, title: string, description: string, grid: Grid, list: Target[], extra: Json): Json {
  return { type, title, description, datasource: DS, gridPos: grid, targets: targets(list), ...extra };
}

/** A time series panel; `unit` is a Grafana unit id (`s`, `short`, `percentunit`, ...). */
export function timeseries(title: string, description: string, grid: Grid, list: Target[], unit = 'short', stack = false): Json {
  return panel('timeseries', title, description, grid, list, {
    fieldConfig: {
      defaults: {
        unit,
        min: 0,
        custom: { drawStyle: 'line', fillOpacity: stack ? 40 : 10, stacking: { mode: stack ? 'normal' : 'none', group: 'A' } },
      },
      overrides: [],
    },
    options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } },
  });
}

/** A single-number panel (last value). */
export function stat(title: string, description: string, grid: Grid, list: Target[], unit = 'short', decimals?: number): Json {
  return panel('stat', title, description, grid, list, {
    fieldConfig: { defaults: { unit, decimals, color: { mode: 'thresholds' }, thresholds: { mode: 'absolute', steps: [{ color: 'blue', value: null }] } }, overrides: [] },
    options: { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value', graphMode: 'area', textMode: 'auto' },
  });
}

/** A heatmap of a histogram's buckets over time (targets use `format: 'heatmap'`). */
export function heatmap(title: string, description: string, grid: Grid, list: Target[], unit = 'short'): Json {
  return panel('heatmap', title, description, grid, list, {
    options: {
      calculate: false,
      yAxis: { unit, axisPlacement: 'left' },
      cellGap: 1,
      color: { mode: 'scheme', scheme: 'Oranges', steps: 64, exponent: 0.5, fill: 'dark-orange' },
      tooltip: { mode: 'single', yHistogram: true },
      rowsFrame: { layout: 'auto' },
    },
  });
}

/** A bar gauge of a histogram's buckets over the whole window (a distribution at a glance). */
export function distribution(title: string, description: string, grid: Grid, list: Target[]): Json {
  return panel('bargauge', title, description, grid, list, {
    fieldConfig: { defaults: { unit: 'short', min: 0, color: { mode: 'continuous-BlYlRd' } }, overrides: [] },
    options: { orientation: 'vertical', displayMode: 'gradient', reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, showUnfilled: true },
  });
}

/** A collapsible section header. */
export function row(title: string, y: number): Json {
  return { type: 'row', title, collapsed: false, gridPos: { x: 0, y, w: 24, h: 1 }, panels: [] };
}

/** A dashboard variable offering fixed choices; `current` is the default. */
export function customVariable(name: string, label: string, choices: string[], current: string, description: string): Json {
  return {
    name,
    label,
    description,
    type: 'custom',
    query: choices.join(','),
    current: { text: current, value: current, selected: true },
    options: choices.map((c) => ({ text: c, value: c, selected: c === current })),
    hide: 0,
    multi: false,
    includeAll: false,
  };
}

/** The datasource picker every panel uses. */
export function datasourceVariable(): Json {
  return { name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', current: {}, hide: 0, refresh: 1, regex: '' };
}

/** Wraps panels into a dashboard; ids are assigned in order so the JSON is stable. */
export function dashboard(uid: string, title: string, description: string, panels: Json[], variables: Json[]): Json {
  return {
    uid,
    title,
    description,
    tags: ['pure-serve'],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    refresh: '30s',
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-6h', to: 'now' },
    templating: { list: [datasourceVariable(), ...variables] },
    annotations: { list: [] },
    links: [{ title: 'pure-serve', type: 'dashboards', tags: ['pure-serve'], asDropdown: false }],
    panels: panels.map((p, i) => ({ id: i + 1, ...p })),
  };
}
