import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testImage } from './lib/images';
import { metricValue, Stack } from './lib/stack';

// Workers that die or are told to stop mid-job: the job resumes from its row checkpoint on another worker.
describe('worker interruption and resumption', () => {
  const stack = new Stack();
  before(async () => void (await stack.start()));
  after(async () => stack.stop());

  async function manifestOf(jobId: string): Promise<Record<string, any>> {
    return JSON.parse((await stack.storage.get(stack.storage.jobKeys('acme', jobId).manifest)).toString('utf8')) as Record<string, any>;
  }

  test('SIGKILL after a few rows: another worker resumes; one output, one job.succeeded, same bytes as an uninterrupted run', async () => {
    const image = await testImage(11);
    const first = await stack.startWorker({ PURE_TEST_ROW_DELAY_MS: '150' });
    const job = await stack.submit(image, { seed: 77 });
    // Progress of row 4 is written after the checkpoint of row 3 (one ordered chain), so 3 rows are saved.
    await stack.waitImageProgress(job.id, 4 * 8);
    first.child.kill('SIGKILL');
    await first.exit;
    const saved = JSON.parse((await stack.client.get(stack.store.keys.ckpt(job.id)))!) as { counter: number; entropies: number[] };
    assert.ok(saved.entropies.length >= 24 && saved.entropies.length < 64, `${saved.entropies.length} codes saved`);

    const second = await stack.startWorker();
    assert.equal(await stack.waitStatus(job.id, ['succeeded', 'failed']), 'succeeded');
    const started = await second.waitForRecord((l) => l.msg === 'job started' && l.jobId === job.id);
    assert.equal(started.resumeFrom, saved.counter);
    const manifest = await manifestOf(job.id);
    assert.deepEqual(manifest.resumption, { resumed: true, tokensSaved: saved.counter, checkpointDropped: false });
    assert.equal(manifest.result.stats.resumedTokens, saved.counter);
    await second.waitForRecord((l) => l.msg === 'job attempt ended' && l.jobId === job.id);
    assert.equal(await metricValue(second.opsPort, 'pure_worker_tokens_saved_by_resume_total'), saved.counter);
    assert.equal(await metricValue(second.opsPort, 'pure_worker_jobs_resumed_total'), 1);

    await stack.hooks.waitFor((h) => h.data.id === job.id);
    assert.deepEqual(stack.hooks.about(job.id).map((h) => h.type), ['job.succeeded']);
    assert.equal(await stack.queues.webhooks.getJob(`wh_job.failed_${job.id}`), undefined);
    assert.deepEqual(await stack.jobObjects('acme', job.id), ['entropy.f32', 'entropy.json', 'entropy.png', 'input.png', 'manifest.json', 'output.png']);

    const again = await stack.submit(image, { seed: 77 });
    assert.equal(await stack.waitStatus(again.id, ['succeeded', 'failed']), 'succeeded');
    const out = (id: string) => stack.storage.get(stack.storage.jobKeys('acme', id).output('png'));
    assert.deepEqual(await out(job.id), await out(again.id));
    assert.equal((await manifestOf(again.id)).resumption.tokensSaved, 0);
    await second.stop();
  });

  test('SIGTERM during a job: the worker exits within its grace period; another worker finishes the job from its checkpoint', async () => {
    const graceMs = 500;
    const draining = await stack.startWorker({ PURE_TEST_ROW_DELAY_MS: '1000', PURE_DRAIN_GRACE_MS: String(graceMs) });
    const job = await stack.submit(await testImage(12), { seed: 12 });
    await draining.waitForRecord((l) => l.msg === 'job started' && l.jobId === job.id);
    const other = await stack.startWorker();
    await stack.waitImageProgress(job.id, 8);
    const t0 = performance.now();
    draining.child.kill('SIGTERM');
    const exit = await draining.exit;
    const seconds = (performance.now() - t0) / 1000;
    assert.equal(exit.code, 0);
    // Grace, then one row step at most and the shutdown; generous, so a loaded machine does not fail it.
    assert.ok(seconds < graceMs / 1000 + 10, `exited after ${seconds.toFixed(1)} s`);
    assert.equal(draining.logs('job handed back to the queue on drain').length, 1);

    assert.equal(await stack.waitStatus(job.id, ['succeeded', 'failed']), 'succeeded');
    const started = await other.waitForRecord((l) => l.msg === 'job started' && l.jobId === job.id);
    assert.ok(Number(started.resumeFrom) > 0, 'resumed from a checkpoint');
    assert.ok((await manifestOf(job.id)).resumption.tokensSaved > 0);
    await stack.hooks.waitFor((h) => h.data.id === job.id);
    assert.deepEqual(stack.hooks.about(job.id).map((h) => h.type), ['job.succeeded']);
    await other.stop();
  });

  test('a lost queue lock stops the job at once; the stalled check gives it out again and it resumes from its checkpoint', async () => {
    const w = await stack.startWorker({ PURE_TEST_ROW_DELAY_MS: '500' });
    const job = await stack.submit(await testImage(17), { seed: 17 });
    await stack.waitImageProgress(job.id, 2 * 8);
    // What an expired lock looks like to BullMQ: the next renewal (every lockDuration / 2) is refused.
    assert.equal(await stack.client.del(`${stack.prefix}:restore:${job.id}:lock`), 1);
    await w.waitForRecord((l) => l.msg === 'job stopped after its lock was lost; left to the queue' && l.jobId === job.id);
    assert.equal(await stack.waitStatus(job.id, ['succeeded', 'failed']), 'succeeded');
    const starts = w.records().filter((l) => l.msg === 'job started' && l.jobId === job.id);
    assert.equal(starts.length, 2);
    assert.ok(Number(starts[1].resumeFrom) > 0, 'resumed from a checkpoint');
    await stack.hooks.waitFor((h) => h.data.id === job.id);
    assert.deepEqual(stack.hooks.about(job.id).map((h) => h.type), ['job.succeeded']);
    assert.deepEqual(await stack.jobObjects('acme', job.id), ['entropy.f32', 'entropy.json', 'entropy.png', 'input.png', 'manifest.json', 'output.png']);
    await w.stop();
  });

  test('a model that fails to load keeps the worker not ready; it takes no jobs', async () => {
    const broken = await stack.startWorker({ PURE_MODEL: '/nonexistent/pure-package' }, { waitRunning: false });
    await broken.waitForRecord((l) => l.msg === 'model failed to load: not ready, taking no jobs');
    const ready = await fetch(`http://127.0.0.1:${broken.opsPort}/readyz`);
    assert.equal(ready.status, 503);
    const body = (await ready.json()) as { ready: boolean; error: string };
    assert.equal(body.ready, false);
    assert.match(body.error, /missing file manifest.json/);
    assert.equal((await fetch(`http://127.0.0.1:${broken.opsPort}/healthz`)).status, 200);
    assert.equal(await metricValue(broken.opsPort, 'pure_worker_model_ready'), 0);
    const job = await stack.submit(await testImage(13), { seed: 13 });
    assert.equal((await stack.queues.restore.getJob(job.id))?.processedOn, undefined);
    // POST /drain stops it (the k8s preStop hook's path).
    assert.equal((await fetch(`http://127.0.0.1:${broken.opsPort}/drain`, { method: 'POST' })).status, 202);
    assert.equal((await broken.exit).code, 0);
    assert.equal((await stack.store.get(job.id))!.status, 'queued');
  });

  test('at LOG_LEVEL=trace the worker logs one line per generated token with its entropy and k', async () => {
    const chatty = await stack.startWorker({ LOG_LEVEL: 'trace' });
    const job = await stack.submit(await testImage(14), { seed: 14 });
    await chatty.waitForRecord((l) => l.msg === 'job attempt ended' && l.jobId === job.id);
    const tokens = chatty.records().filter((l) => l.msg === 'token' && l.jobId === job.id);
    assert.equal(tokens.length, 64);
    assert.ok(tokens.every((t) => typeof t.entropy === 'number' && typeof t.k === 'number' && typeof t.row === 'number'));
    await chatty.stop();
  });

  test('Redis killed and restarted mid-job: the worker rides it out and the job succeeds once', async () => {
    const w = await stack.startWorker({ PURE_TEST_ROW_DELAY_MS: '100' });
    const job = await stack.submit(await testImage(15), { seed: 15 });
    await stack.waitImageProgress(job.id, 16);
    await stack.redis.kill('SIGKILL');
    await stack.redis.restart(); // AOF on: nothing acknowledged is lost
    assert.equal(await stack.waitStatus(job.id, ['succeeded', 'failed']), 'succeeded');
    await stack.hooks.waitFor((h) => h.data.id === job.id);
    assert.deepEqual(stack.hooks.about(job.id).map((h) => h.type), ['job.succeeded']);
    assert.deepEqual(await stack.jobObjects('acme', job.id), ['entropy.f32', 'entropy.json', 'entropy.png', 'input.png', 'manifest.json', 'output.png']);
    await w.stop();
  });

  test('a second signal during a drain forces the exit', async () => {
    const stubborn = await stack.startWorker({ PURE_TEST_ROW_DELAY_MS: '1000', PURE_DRAIN_GRACE_MS: '60000' });
    const job = await stack.submit(await testImage(16), { seed: 16 });
    await stubborn.waitForRecord((l) => l.msg === 'job started' && l.jobId === job.id);
    stubborn.child.kill('SIGTERM');
    await stubborn.waitForRecord((l) => l.msg === 'draining: taking no more jobs');
    stubborn.child.kill('SIGTERM');
    assert.equal((await stubborn.exit).code, 130);
  });
});

