import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDashboards } from '../../deploy/grafana/build';
import { dashboardQueries, dashboardsDir, dataPanels, expandVariables, loadDashboards, metricNames } from './dashboards';
import { repoRoot } from './tools';

/** Metric names documented in packages/telemetry/METRICS.md (the first backticked `pure_` name of each table row). */
function documentedMetrics(): Set<string> {
  const text = readFileSync(join(repoRoot, 'packages/telemetry/METRICS.md'), 'utf8');
  const names = new Set<string>();
  for (const m of text.matchAll(/^\| `(pure_[a-z0-9_]+)` \|/gm)) names.add(m[1]);
  return names;
}

describe('grafana dashboards', () => {
  const dashboards = loadDashboards();

  test('the committed JSON is what deploy/grafana/build.ts writes (edit src/, then run it)', () => {
    const built = renderDashboards();
    assert.deepEqual(Object.keys(built).sort(), dashboards.map((d) => d.file));
    for (const [file, json] of Object.entries(built)) {
      assert.equal(readFileSync(join(dashboardsDir, file), 'utf8'), json, `${file} is stale: npx tsx deploy/grafana/build.ts`);
    }
  });

  test('each dashboard has a unique uid and title, and panels with unique ids', () => {
    assert.ok(dashboards.length >= 2);
    assert.equal(new Set(dashboards.map((d) => d.dashboard.uid)).size, dashboards.length);
    assert.equal(new Set(dashboards.map((d) => d.dashboard.title)).size, dashboards.length);
    for (const { file, dashboard } of dashboards) {
      const ids = dashboard.panels.map((p) => p.id);
      assert.equal(new Set(ids).size, ids.length, file);
    }
  });

  test('every data panel has at least one non-empty PromQL target on the datasource variable', () => {
    for (const { file, dashboard } of dashboards) {
      for (const panel of dataPanels(dashboard)) {
        assert.ok((panel.targets ?? []).length > 0, `${file}: "${panel.title}" has no targets`);
        for (const t of panel.targets ?? []) {
          assert.ok(t.expr?.trim(), `${file}: "${panel.title}" ${t.refId} has an empty expr`);
          assert.deepEqual(t.datasource, { type: 'prometheus', uid: '${datasource}' });
        }
      }
    }
  });

  test('every variable an expression uses is defined', () => {
    for (const { file, dashboard } of dashboards) {
      for (const q of dashboardQueries(file, dashboard)) assert.doesNotThrow(() => expandVariables(q.expr, dashboard), `${file}: ${q.panel}`);
    }
  });

  test('every metric name in the dashboards is documented in METRICS.md', () => {
    const documented = documentedMetrics();
    assert.ok(documented.size > 10, 'METRICS.md tables parsed');
    for (const { file, dashboard } of dashboards) {
      for (const q of dashboardQueries(file, dashboard)) {
        for (const name of metricNames(q.expr)) assert.ok(documented.has(name), `${file}: "${q.panel}" uses ${name}, not in METRICS.md`);
      }
    }
  });

  test('the dashboards cover what the fleet needs to see', () => {
    const titles = dashboards.flatMap((d) => dataPanels(d.dashboard).map((p) => p.title));
    for (const title of [
      'Images / hour', 'Tokens / s', 'Queue depth by state', 'Backlog and ETA', 'Job duration', 'Queue wait', 'Mean seconds per phase',
      'Token entropy', 'Chosen k', 'Resumed attempts', 'Tokens saved', 'Webhook outcomes', 'Error rates', 'Workers needed',
    ]) {
      assert.ok(titles.includes(title), `no panel "${title}"`);
    }
    const fleet = dashboards.find((d) => d.dashboard.uid === 'pure-fleet')!.dashboard;
    const needed = dataPanels(fleet).find((p) => p.title === 'Workers needed')!;
    assert.match(needed.targets![0].expr!, /\$target_minutes/);
    assert.ok(fleet.templating?.list.some((v) => v.name === 'target_minutes'));
  });
});
