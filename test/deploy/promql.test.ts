import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPrometheus, type PrometheusServer } from '../harness/prometheus';
import { dashboardQueries, expandVariables, loadDashboards } from './dashboards';
import { kedaQuery } from './k8s';
import { apiEndpoint, workerEndpoint, type MetricsEndpoint } from './metrics-fixture';
import { promqlFailures, returnsData } from './promql';
import { hasTool, skipUnlessTool } from './tools';

/** Every dashboard expression with its Grafana variables expanded, labelled by file, panel and refId. */
function dashboardExpressions(): { label: string; expr: string }[] {
  return loadDashboards().flatMap(({ file, dashboard }) =>
    dashboardQueries(file, dashboard).map((q) => ({ label: `${file} "${q.panel}" ${q.refId}`, expr: expandVariables(q.expr, dashboard) })),
  );
}

/** Resolves once Prometheus holds at least `n` scrapes of every target (rates need two samples). */
async function scraped(prometheus: PrometheusServer, targets: number, n: number): Promise<void> {
  // Prometheus offers no event for "scraped": poll its own `up` series, a bounded number of times.
  for (let poll = 0; poll < 240; poll++) {
    const res = await prometheus.query(`count(count_over_time(up[1m]) >= ${n})`);
    const value = Number((res.data?.result[0] as { value?: [number, string] } | undefined)?.value?.[1] ?? 0);
    if (value >= targets) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`targets not scraped ${n} times: ${JSON.stringify(await prometheus.targets())}`);
}

const skip = skipUnlessTool('prometheus', 'apt-get install -y prometheus');

describe('PromQL against a real Prometheus, no targets', { skip }, () => {
  let prometheus: PrometheusServer;
  before(async () => {
    prometheus = await startPrometheus();
  });
  after(async () => {
    await prometheus?.stop();
  });

  test('every dashboard expression parses', async () => {
    const expressions = dashboardExpressions();
    assert.ok(expressions.length > 20);
    assert.deepEqual(await promqlFailures(prometheus, expressions), []);
  });

  test('the KEDA trigger query parses and, with nothing scraped, still answers 0 (not empty)', { skip: hasTool('kubectl') ? false : 'kubectl missing' }, async () => {
    const query = kedaQuery();
    assert.deepEqual(await promqlFailures(prometheus, [{ label: 'keda', expr: query }]), []);
    const res = await prometheus.query(query);
    assert.equal((res.data?.result[0] as { value: [number, string] }).value[1], '0');
  });

  test('a broken expression is reported with Prometheus\'s parse error', async () => {
    const [failure] = await promqlFailures(prometheus, [{ label: 'broken', expr: 'sum(rate(pure_x_total[5m])' }]);
    assert.match(failure.error, /parse error/);
  });
});

describe('dashboards against real telemetry metrics', { skip }, () => {
  let prometheus: PrometheusServer;
  let endpoints: MetricsEndpoint[];
  before(async () => {
    endpoints = await Promise.all([apiEndpoint(), workerEndpoint()]);
    prometheus = await startPrometheus({ scrapeTargets: { 'pure-api': [endpoints[0].target], 'pure-worker': [endpoints[1].target] } });
    await scraped(prometheus, 2, 3);
  });
  after(async () => {
    await prometheus?.stop();
    await Promise.all((endpoints ?? []).map((e) => e.close()));
  });

  test('both targets are up', async () => {
    const targets = await prometheus.targets();
    assert.deepEqual(targets.map((t) => `${t.job}:${t.health}`).sort(), ['pure-api:up', 'pure-worker:up']);
  });

  test('every dashboard expression returns data', async () => {
    const empty: string[] = [];
    for (const { label, expr } of dashboardExpressions()) if (!(await returnsData(prometheus, expr))) empty.push(`${label}: ${expr}`);
    assert.deepEqual(empty, []);
  });

  test('the KEDA query counts waiting + prioritized + active restore jobs', { skip: hasTool('kubectl') ? false : 'kubectl missing' }, async () => {
    const res = await prometheus.query(kedaQuery());
    assert.equal((res.data?.result[0] as { value: [number, string] }).value[1], '10'); // 7 + 1 + 2
  });
});
