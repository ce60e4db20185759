/**
 * The dashboards against a live service: a real Prometheus scrapes a running api and worker (tiny package)
 * after a small batch with webhooks went through, and every panel's PromQL must parse and return data.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchView } from '@pure/contracts/job';
import { startPrometheus, type PrometheusServer } from '../harness/prometheus';
import { testImage } from '../worker/lib/images';
import { Stack, type WorkerProcess } from '../worker/lib/stack';
import { dashboardQueries, expandVariables, loadDashboards } from './dashboards';
import { promqlFailures, returnsData } from './promql';
import { skipUnlessTool } from './tools';

/**
 * Expressions that cannot have data in a healthy run of a few jobs, each with why; they must still parse.
 * Keyed by the expression's label (file, panel, refId).
 */
const NO_DATA_IN_HEALTHY_RUN: Record<string, string> = {
  'pure-fleet.json "Error rates" B': 'no request is answered 5xx; a zero series would need an invented method and route',
};

/** Every dashboard expression with its Grafana variables expanded, labelled by file, panel and refId. */
function dashboardExpressions(): { label: string; expr: string }[] {
  return loadDashboards().flatMap(({ file, dashboard }) =>
    dashboardQueries(file, dashboard).map((q) => ({ label: `${file} "${q.panel}" ${q.refId}`, expr: expandVariables(q.expr, dashboard) })),
  );
}

/** Resolves once `expr` is at least `min` in Prometheus; `what` names it in the error after 30 s. */
async function until(prometheus: PrometheusServer, expr: string, min: number, what: string): Promise<void> {
  // Prometheus offers no event for "scraped": poll, a bounded number of times.
  for (let poll = 0; poll < 120; poll++) {
    const res = await prometheus.query(expr);
    const value = Number((res.data?.result[0] as { value?: [number, string] } | undefined)?.value?.[1] ?? 0);
    if (value >= min) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} not seen: ${JSON.stringify(await prometheus.targets())}`);
}

/** Submits `images` as one multipart batch with this stack's webhook URL. */
async function submitBatch(stack: Stack, images: Buffer[]): Promise<BatchView> {
  const form = new FormData();
  for (const [i, image] of images.entries()) form.append('image', new Blob([new Uint8Array(image)], { type: 'image/png' }), `in${i}.png`);
  form.append('webhook_url', stack.hooks.url);
  const res = await fetch(`${stack.apiUrl}/v1/batches`, { method: 'POST', headers: stack.auth(), body: form });
  if (res.status !== 202) throw new Error(`batch submit answered ${res.status}: ${await res.text()}`);
  return BatchView.parse(await res.json());
}

const skip = skipUnlessTool('prometheus', 'apt-get install -y prometheus');

describe('dashboards against a live api and worker', { skip }, () => {
  const stack = new Stack();
  let worker: WorkerProcess;
  let prometheus: PrometheusServer;

  before(async () => {
    await stack.start();
    worker = await stack.startWorker();
    const batch = await submitBatch(stack, await Promise.all([1, 2, 3].map((v) => testImage(v))));
    assert.equal(batch.total, 3);
    for (const job of batch.jobs) {
      assert.equal(await stack.waitStatus(job.id, ['succeeded', 'failed', 'canceled']), 'succeeded');
      await stack.hooks.waitFor((h) => h.data.id === job.id);
    }
    const apiTarget = stack.apiUrl.replace('http://', '');
    prometheus = await startPrometheus({ scrapeTargets: { 'pure-api': [apiTarget], 'pure-worker': [`127.0.0.1:${worker.opsPort}`] } });
    // Three successful scrapes of both targets, so every rate() has at least two samples.
    await until(prometheus, 'count(sum_over_time(up[1m]) >= 3)', 2, 'three scrapes of both targets');
    // The api's fleet estimate is cached for 10 s and was read at submit time, when no job had finished
    // (backlog unknown, so not reported); it is reported once the estimate is refreshed.
    await until(prometheus, 'count(pure_queue_backlog_seconds{queue="restore"})', 1, 'the restore backlog gauge');
  });
  after(async () => {
    await prometheus?.stop();
    await stack.stop();
  });

  test('both targets are up', async () => {
    const targets = await prometheus.targets();
    assert.deepEqual(targets.map((t) => `${t.job}:${t.health}`).sort(), ['pure-api:up', 'pure-worker:up']);
  });

  test('every dashboard expression parses', async () => {
    const expressions = dashboardExpressions();
    assert.ok(expressions.length > 20);
    assert.deepEqual(await promqlFailures(prometheus, expressions), []);
  });

  test('every dashboard expression returns data, but for the few a healthy run cannot have', async () => {
    const expressions = dashboardExpressions();
    const empty: string[] = [];
    for (const { label, expr } of expressions) {
      if (!(await returnsData(prometheus, expr)) && !(label in NO_DATA_IN_HEALTHY_RUN)) empty.push(`${label}: ${expr}`);
    }
    assert.deepEqual(empty, []);
    // The exemption list names only expressions that exist, so it cannot outlive a dashboard change.
    const labels = new Set(expressions.map((e) => e.label));
    assert.deepEqual(Object.keys(NO_DATA_IN_HEALTHY_RUN).filter((l) => !labels.has(l)), []);
  });
});
