import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { DEFAULT_PARAMS } from '@pure/contracts/params';
import { JobStore } from '@pure/jobs/job-store';
import { newBatchId, newJobId } from '@pure/jobs/ids';
import type { NewJob } from '@pure/jobs/job-record';
import { startRedis, uniquePrefix } from '../../../test/harness/index';

const input = { key: 'in/x.png', format: 'png' as const, bytes: 10, width: 8, height: 8, sha256: 'a'.repeat(64) };
const newJob = (tenant = 't1'): NewJob => ({
  id: newJobId(),
  tenant,
  params: { ...DEFAULT_PARAMS, seed: 1 },
  input,
  createdAt: new Date().toISOString(),
});

describe('JobStore on a real redis-server', () => {
  let server: Awaited<ReturnType<typeof startRedis>>;
  let redis: Redis;
  let store: JobStore;
  before(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
    store = new JobStore(redis, uniquePrefix('jobs'), { finalTtlS: 3600, checkpointTtlS: 100 });
  });
  after(async () => {
    redis.disconnect();
    await server.stop();
  });

  test('a job reaches exactly one final status under concurrent attempts', async () => {
    const job = newJob();
    await store.createJob(job);
    assert.equal((await store.transition(job.id, 'running')).ok, true);
    const targets = ['succeeded', 'failed', 'canceled'] as const;
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => store.transition(job.id, targets[i % 3])));
    const won = results.filter((r) => r.ok);
    assert.equal(won.length, 1);
    const record = await store.get(job.id);
    assert.equal(record?.status, targets[results.indexOf(won[0]) % 3]);
    assert.ok(record?.finishedAt);
    assert.equal(record?.attempts, 1);
    // every loser reports the final status that won
    for (const r of results.filter((r) => !r.ok)) assert.equal(r.from, record?.status);
    assert.ok((await redis.ttl(store.keys.job(job.id))) > 0, 'final jobs expire');
  });

  test('refuses moves the state machine does not allow', async () => {
    const job = newJob();
    await store.createJob(job);
    assert.deepEqual(await store.transition(job.id, 'queued'), { ok: false, from: 'queued', batchCompleted: false, batchId: null });
    assert.equal((await store.transition(job.id, 'running')).ok, true);
    assert.equal((await store.transition(job.id, 'running')).ok, true, 'a stalled job taken again is a new attempt');
    assert.equal((await store.transition(job.id, 'queued')).ok, true, 'a retry hands the job back');
    assert.equal((await store.get(job.id))?.attempts, 2);
    assert.deepEqual(await store.transition('j_missing', 'running'), { ok: false, from: '', batchCompleted: false, batchId: null });
  });

  test('batch counts follow transitions and exactly one call completes the batch', async () => {
    const batchId = newBatchId();
    const jobs = Array.from({ length: 6 }, () => newJob());
    await store.createBatch({ id: batchId, tenant: 't1', createdAt: new Date().toISOString() }, jobs);
    await Promise.all(jobs.map((j) => store.transition(j.id, 'running')));
    let found = await store.getBatch(batchId);
    assert.deepEqual([found?.batch.queued, found?.batch.running], [0, 6]);
    const finals = ['succeeded', 'failed', 'canceled', 'succeeded', 'succeeded', 'failed'] as const;
    // each job is finished by two racing callers; only one of them wins
    const results = await Promise.all(jobs.flatMap((j, i) => [store.transition(j.id, finals[i]), store.transition(j.id, 'failed')]));
    assert.equal(results.filter((r) => r.ok).length, 6);
    assert.equal(results.filter((r) => r.batchCompleted).length, 1);
    assert.ok(results.every((r) => r.batchId === batchId));
    found = await store.getBatch(batchId);
    const b = found!.batch;
    assert.equal(b.queued + b.running, 0);
    assert.equal(b.succeeded + b.failed + b.canceled, 6);
    assert.ok(b.completedAt);
    assert.deepEqual(found!.jobs.map((j) => j.id), jobs.map((j) => j.id));
  });

  test('checkpoints expire, parse with a schema and clear', async () => {
    const job = newJob();
    const Ckpt = z.object({ tokens: z.array(z.number().int()) });
    await store.saveCheckpoint(job.id, { tokens: [1, 2, 3] });
    const ttl = await redis.ttl(store.keys.ckpt(job.id));
    assert.ok(ttl > 0 && ttl <= 100, `ttl ${ttl}`);
    assert.deepEqual(await store.loadCheckpoint(job.id, Ckpt), { tokens: [1, 2, 3] });
    assert.equal(await store.loadCheckpoint(job.id, z.object({ other: z.string() })), null);
    await store.clearCheckpoint(job.id);
    assert.equal(await store.loadCheckpoint(job.id, Ckpt), null);
  });

  test('progress and status changes are published for SSE', async () => {
    const job = newJob();
    await store.createJob(job);
    const sub = redis.duplicate();
    await sub.subscribe(store.keys.eventsChannel(job.id));
    const got: unknown[] = [];
    const three = new Promise<void>((resolve) =>
      sub.on('message', (_c, m) => {
        got.push(JSON.parse(m));
        if (got.length === 3) resolve();
      }),
    );
    await store.transition(job.id, 'running');
    await store.setProgress(job.id, { phase: 'image', done: 65, total: 1024 });
    await store.transition(job.id, 'succeeded');
    await three;
    sub.disconnect();
    assert.deepEqual(got, [
      { type: 'status', status: 'running', from: 'queued' },
      { type: 'progress', progress: { phase: 'image', done: 65, total: 1024 } },
      { type: 'status', status: 'succeeded', from: 'running' },
    ]);
  });
});
