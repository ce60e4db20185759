import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { QueueEvents } from 'bullmq';
import sharp from 'sharp';
import { RESTORE_QUEUE } from '@pure/contracts/queues';
import { decodeEntropyLog } from '@pure/pipeline/entropy-artifacts';
import { restoreJobOptions } from '@pure/jobs/queues';
import { testImage } from './lib/images';
import { metricValue, Stack, type WorkerProcess } from './lib/stack';

// One api, one worker (tiny package), real Redis and S3; each test submits its own jobs.
describe('worker end to end', () => {
  const stack = new Stack();
  let worker: WorkerProcess;
  let events: QueueEvents;
  const stalled: string[] = [];

  before(async () => {
    await stack.start();
    events = new QueueEvents(RESTORE_QUEUE.name, { connection: stack.events(), prefix: stack.prefix });
    events.on('stalled', ({ jobId }) => stalled.push(jobId));
    await events.waitUntilReady();
    // A short pause per row keeps a tiny job running long enough to cancel it mid-image.
    worker = await stack.startWorker({ PURE_TEST_ROW_DELAY_MS: '60' });
  });
  after(async () => {
    await events?.close();
    await stack.stop();
  });

  test('a job submitted through the api succeeds: artifacts in S3, downloadable from the view, signed webhook', async () => {
    const job = await stack.submit(await testImage(1), { seed: 42 });
    const hook = await stack.hooks.waitFor((h) => h.data.id === job.id);
    assert.equal(hook.type, 'job.succeeded');
    assert.equal(hook.verified, true);
    const view = await stack.view(job.id);
    assert.equal(view.status, 'succeeded');
    const result = view.result!;
    const image = Buffer.from(await (await fetch(result.image.url)).arrayBuffer());
    const meta = await sharp(image).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 64, 64]);
    const log = decodeEntropyLog(new Uint8Array(await (await fetch(result.entropyLog.url)).arrayBuffer()));
    assert.equal(log.length, 8 * 8); // one record per image token
    const heatmap = await sharp(Buffer.from(await (await fetch(result.entropyMap.url)).arrayBuffer())).metadata();
    assert.equal(heatmap.format, 'png');
    const summary = (await (await fetch(result.entropySummary.url)).json()) as { count: number };
    assert.equal(summary.count, 64);
    const manifest = (await (await fetch(result.manifest.url)).json()) as Record<string, any>;
    assert.equal(manifest.status, 'succeeded');
    assert.equal(manifest.params.seed, 42);
    assert.equal(manifest.model.name, 'tiny');
    assert.deepEqual(Object.keys(manifest.checksums).sort(), ['entropyLog', 'entropyMap', 'entropySummary', 'image']);
    assert.equal(manifest.resumption.tokensSaved, 0);
    assert.equal(typeof manifest.text.raw, 'string');
    assert.ok(manifest.timings.total > 0 && manifest.timings.upload >= 0);
    assert.deepEqual(await stack.jobObjects('acme', job.id), ['entropy.f32', 'entropy.json', 'entropy.png', 'input.png', 'manifest.json', 'output.png']);
    assert.equal(await stack.client.exists(stack.store.keys.ckpt(job.id)), 0);
    assert.equal(await metricValue(worker.opsPort, 'pure_worker_checkpoints_total') >= 8, true);
  });

  test('several jobs in a row: main-thread event-loop delay under 100 ms, no stalled event', async () => {
    const jobs = await Promise.all([2, 3, 4].map(async (v) => stack.submit(await testImage(v), { seed: v })));
    for (const job of jobs) assert.equal(await stack.waitStatus(job.id, ['succeeded', 'failed']), 'succeeded');
    const ended = await Promise.all(jobs.map((j) => worker.waitForRecord((l) => l.msg === 'job attempt ended' && l.jobId === j.id)));
    for (const l of ended) assert.ok(Number(l.eventLoopDelayMaxMs) < 100, `event-loop delay ${l.eventLoopDelayMaxMs} ms`);
    assert.deepEqual(stalled, []);
  });

  test('a corrupt input object fails the job at once, non-retryable, input_unreadable', async () => {
    const good = await stack.submit(await testImage(5), { seed: 5 });
    await stack.waitStatus(good.id, ['succeeded']);
    // Same job data as a real one, but its stored input is replaced by bytes no decoder reads.
    const record = (await stack.store.get(good.id))!;
    const jobId = `${good.id.slice(0, -4)}zzzz`;
    const key = stack.storage.jobKeys('acme', jobId).input('png');
    await stack.storage.put(key, 'this is not a png');
    await stack.store.createJob({ id: jobId, tenant: 'acme', params: record.params, input: { ...record.input, key }, webhook: { url: stack.hooks.url }, createdAt: new Date().toISOString() });
    const data = { v: 1 as const, jobId, tenant: 'acme', input: { ...record.input, key }, params: record.params, webhook: { url: stack.hooks.url }, submittedAt: new Date().toISOString() };
    await stack.queues.restore.add('restore', data, restoreJobOptions(jobId));
    const hook = await stack.hooks.waitFor((h) => h.data.id === jobId);
    assert.equal(hook.type, 'job.failed');
    assert.deepEqual((hook.data.error as { code: string }).code, 'input_unreadable');
    const bull = (await stack.queues.restore.getJob(jobId))!;
    await assert.rejects(bull.waitUntilFinished(events), /input_unreadable/);
    assert.equal(await bull.getState(), 'failed');
    assert.equal((await stack.store.get(jobId))!.attempts, 1); // one attempt, not retried
  });

  test('job data that fails the schema fails the job as invalid_job_data; the worker carries on', async () => {
    const good = await stack.submit(await testImage(6), { seed: 6 });
    await stack.waitStatus(good.id, ['succeeded']);
    const record = (await stack.store.get(good.id))!;
    const jobId = `${good.id.slice(0, -4)}yyyy`;
    await stack.store.createJob({ id: jobId, tenant: 'acme', params: record.params, input: record.input, webhook: { url: stack.hooks.url }, createdAt: new Date().toISOString() });
    await stack.queues.restore.add('restore', { v: 2, jobId, nonsense: true } as never, restoreJobOptions(jobId));
    const hook = await stack.hooks.waitFor((h) => h.data.id === jobId);
    assert.equal(hook.type, 'job.failed');
    assert.equal((hook.data.error as { code: string }).code, 'invalid_job_data');
    assert.equal(await metricValue(worker.opsPort, 'pure_worker_invalid_jobs_total'), 1);
    const next = await stack.submit(await testImage(7), { seed: 7 });
    assert.equal(await stack.waitStatus(next.id, ['succeeded', 'failed']), 'succeeded');
  });

  test('a cancelled running job stops within a row, ends canceled, partial artifacts removed', async () => {
    const job = await stack.submit(await testImage(8), { seed: 8 });
    let last = 0;
    const stop = stack.watch(job.id, (e) => {
      if (e.type === 'progress' && e.progress.phase === 'image') last = Math.max(last, e.progress.done);
    });
    const at = await stack.waitImageProgress(job.id, 16);
    assert.equal(await stack.cancel(job.id), 202);
    assert.equal(await stack.waitStatus(job.id, ['canceled', 'succeeded', 'failed']), 'canceled');
    stop();
    assert.ok(last <= at.done + 8 * 2, `progress went on to ${last} after a cancel at ${at.done}`);
    const hook = await stack.hooks.waitFor((h) => h.data.id === job.id);
    assert.equal(hook.type, 'job.canceled');
    assert.deepEqual(await stack.jobObjects('acme', job.id), ['input.png', 'manifest.json']);
    assert.equal(await stack.client.exists(stack.store.keys.ckpt(job.id)), 0);
  });

  test('S3 refusing uploads for a while: retried, the job succeeds once, nothing duplicated', async () => {
    const job = await stack.submit(await testImage(9), { seed: 9 });
    await stack.waitImageProgress(job.id, 8);
    await stack.s3.setFailure({ methods: ['PUT'], count: 6 });
    assert.equal(await stack.waitStatus(job.id, ['succeeded', 'failed']), 'succeeded');
    await stack.s3.clearFailure();
    assert.equal((await stack.s3.stats()).refused >= 6, true);
    await stack.hooks.waitFor((h) => h.data.id === job.id);
    assert.deepEqual(stack.hooks.about(job.id).map((h) => h.type), ['job.succeeded']);
    assert.deepEqual(await stack.jobObjects('acme', job.id), ['entropy.f32', 'entropy.json', 'entropy.png', 'input.png', 'manifest.json', 'output.png']);
    assert.ok((await metricValue(worker.opsPort, 'pure_storage_retries_total')) >= 1);
  });
});
