import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, register as globalRegistry } from 'prom-client';
import { ApiMetrics } from '@pure/telemetry/api-metrics';
import { StorageMetrics } from '@pure/telemetry/storage-metrics';
import { WorkerMetrics } from '@pure/telemetry/worker-metrics';

const ALLOWED_LABELS = new Set(
  ['phase', 'outcome', 'model', 'state', 'queue', 'kind', 'method', 'route', 'status', 'event', 'operation', 'le'],
);

async function labelNamesOf(register: Registry): Promise<Set<string>> {
  const names = new Set<string>();
  for (const metric of await register.getMetricsAsJSON()) {
    for (const value of metric.values) for (const label of Object.keys(value.labels)) names.add(label);
  }
  return names;
}

function sample(text: string, line: string): number {
  const found = text.split('\n').find((l) => l.startsWith(line + ' '));
  assert.ok(found, `no sample ${line} in:\n${text}`);
  return Number(found.slice(line.length + 1));
}

test('ApiMetrics registers its names on the given registry only, and reads queues at scrape time', async () => {
  const globalBefore = (await globalRegistry.getMetricsAsJSON()).length;
  const register = new Registry();
  const api = new ApiMetrics({ register });
  api.jobsSubmitted.inc({ outcome: 'accepted' }, 100);
  api.submitDuration.observe({ kind: 'batch' }, 0.2);
  api.observeRequest('POST', '/v1/batches', 202, 0.2);
  api.webhookDeliveries.inc({ outcome: 'delivered', event: 'job.succeeded' });
  api.webhookDuration.observe({ outcome: 'delivered' }, 0.03);
  api.watchQueue('restore', { counts: async () => ({ waiting: 7, active: 2 }), backlogSeconds: () => 896 });
  api.watchQueue('webhooks', { counts: async () => Promise.reject(new Error('redis down')) });
  const text = await register.metrics();
  for (const name of [
    'pure_api_jobs_submitted_total',
    'pure_api_batches_submitted_total',
    'pure_api_submit_duration_seconds',
    'pure_http_requests_total',
    'pure_http_request_duration_seconds',
    'pure_queue_depth',
    'pure_queue_backlog_seconds',
    'pure_webhook_deliveries_total',
    'pure_webhook_delivery_duration_seconds',
  ]) {
    assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'));
  }
  assert.equal(sample(text, 'pure_api_jobs_submitted_total{outcome="accepted"}'), 100);
  assert.equal(sample(text, 'pure_http_requests_total{method="POST",route="/v1/batches",status="202"}'), 1);
  assert.equal(sample(text, 'pure_queue_depth{queue="restore",state="waiting"}'), 7);
  assert.equal(sample(text, 'pure_queue_depth{queue="restore",state="active"}'), 2);
  assert.equal(sample(text, 'pure_queue_backlog_seconds{queue="restore"}'), 896);
  assert.doesNotMatch(text, /queue="webhooks"/); // a failing source is left out, the scrape still works
  assert.equal((await globalRegistry.getMetricsAsJSON()).length, globalBefore);
  for (const label of await labelNamesOf(register)) assert.ok(ALLOWED_LABELS.has(label), label);
});

test('WorkerMetrics renders every metric with the model label and the buckets the dashboards expect', async () => {
  const globalBefore = (await globalRegistry.getMetricsAsJSON()).length;
  const register = new Registry();
  const worker = new WorkerMetrics({ register, model: 'tiny' });
  worker.modelLoaded(3.5);
  worker.jobStarted(12);
  worker.tokens('text', 20, 0.25);
  worker.tokens('image', 65, 0.5);
  worker.tokenStats([0.1, 4.2, 9.9], [1, 300, 2000]);
  worker.checkpoint();
  worker.resumed(130);
  worker.phase('image', 200);
  worker.jobFinished('succeeded', 256);
  const text = await register.metrics();
  for (const name of [
    'pure_worker_tokens_generated_total',
    'pure_worker_tokens_per_second',
    'pure_worker_job_duration_seconds',
    'pure_worker_phase_duration_seconds',
    'pure_worker_queue_wait_seconds',
    'pure_worker_token_entropy_nats',
    'pure_worker_chosen_k',
    'pure_worker_jobs_completed_total',
    'pure_worker_jobs_resumed_total',
    'pure_worker_tokens_saved_by_resume_total',
    'pure_worker_checkpoints_total',
    'pure_worker_busy',
    'pure_worker_busy_ratio',
    'pure_worker_busy_seconds_total',
    'pure_worker_model_load_seconds',
    'pure_worker_model_ready',
  ]) {
    assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'));
  }
  assert.equal(sample(text, 'pure_worker_tokens_generated_total{phase="image",model="tiny"}'), 65);
  assert.equal(sample(text, 'pure_worker_tokens_per_second{phase="image",model="tiny"}'), 130);
  assert.equal(sample(text, 'pure_worker_tokens_per_second{phase="text",model="tiny"}'), 80);
  assert.equal(sample(text, 'pure_worker_job_duration_seconds_bucket{le="240",outcome="succeeded",model="tiny"}'), 0);
  assert.equal(sample(text, 'pure_worker_job_duration_seconds_bucket{le="300",outcome="succeeded",model="tiny"}'), 1);
  assert.equal(sample(text, 'pure_worker_job_duration_seconds_bucket{le="1800",outcome="succeeded",model="tiny"}'), 1);
  assert.equal(sample(text, 'pure_worker_token_entropy_nats_bucket{le="0.5",model="tiny"}'), 1);
  assert.equal(sample(text, 'pure_worker_token_entropy_nats_bucket{le="10",model="tiny"}'), 3);
  assert.equal(sample(text, 'pure_worker_chosen_k_bucket{le="1",model="tiny"}'), 1);
  assert.equal(sample(text, 'pure_worker_chosen_k_bucket{le="256",model="tiny"}'), 1);
  assert.equal(sample(text, 'pure_worker_chosen_k_bucket{le="2000",model="tiny"}'), 3);
  assert.equal(sample(text, 'pure_worker_tokens_saved_by_resume_total{model="tiny"}'), 130);
  assert.equal(sample(text, 'pure_worker_queue_wait_seconds_sum{model="tiny"}'), 12);
  assert.equal(sample(text, 'pure_worker_model_ready{model="tiny"}'), 1);
  assert.equal(sample(text, 'pure_worker_busy'), 0);
  assert.equal((await globalRegistry.getMetricsAsJSON()).length, globalBefore);
  for (const label of await labelNamesOf(register)) assert.ok(ALLOWED_LABELS.has(label), label);
});

test('groups share one registry, take another prefix, and one group per registry and prefix', async () => {
  const register = new Registry();
  new ApiMetrics({ register });
  new WorkerMetrics({ register, model: 'm' });
  const storage = new StorageMetrics({ register });
  storage.onRetry({ operation: 'put' });
  new ApiMetrics({ register, prefix: 'other_' });
  const text = await register.metrics();
  assert.match(text, /^pure_storage_retries_total\{operation="put"\} 1$/m);
  assert.match(text, /^# TYPE other_api_jobs_submitted_total counter$/m);
  assert.throws(() => new ApiMetrics({ register }), /already been registered/);
});
