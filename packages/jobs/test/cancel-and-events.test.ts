import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { Worker } from 'bullmq';
import { DEFAULT_PARAMS } from '@pure/contracts/params';
import { RESTORE_QUEUE } from '@pure/contracts/queues';
import type { JobData } from '@pure/contracts/job';
import { JobStore } from '@pure/jobs/job-store';
import { createJobQueues, restoreJobOptions, type JobQueues } from '@pure/jobs/queues';
import { cancelJob } from '@pure/jobs/cancel';
import { publishJobEvents } from '@pure/jobs/job-events';
import { jobViewFromRecord } from '@pure/jobs/job-view';
import { IdempotencyStore } from '@pure/jobs/idempotency';
import { newBatchId, newJobId } from '@pure/jobs/ids';
import type { NewJob } from '@pure/jobs/job-record';
import { startRedis, uniquePrefix } from '../../../test/harness/index';

const input = { key: 'in/x.png', format: 'png' as const, bytes: 10, width: 8, height: 8, sha256: 'a'.repeat(64) };
const hook = { url: 'https://example.com/hook' };
const newJob = (): NewJob => ({ id: newJobId(), tenant: 't1', params: { ...DEFAULT_PARAMS, seed: 1 }, input, createdAt: new Date().toISOString(), webhook: hook });
const jobData = (j: NewJob): JobData => ({ v: 1, jobId: j.id, tenant: j.tenant, input: j.input, params: j.params, submittedAt: j.createdAt });
const noPresign = async (key: string) => ({ url: key, expiresAt: new Date().toISOString() });

describe('cancel, webhook events and idempotency on a real redis-server', () => {
  let server: Awaited<ReturnType<typeof startRedis>>;
  let redis: Redis;
  let store: JobStore;
  let queues: JobQueues;
  let prefix: string;
  before(async () => {
    server = await startRedis();
    redis = new Redis(server.url, { maxRetriesPerRequest: null });
    prefix = uniquePrefix('jobs');
    store = new JobStore(redis, prefix);
    queues = createJobQueues({ connection: redis, prefix });
  });
  after(async () => {
    await queues.close();
    redis.disconnect();
    await server.stop();
  });

  test('a queued job is removed from BullMQ and canceled at once', async () => {
    const job = newJob();
    await store.createJob(job);
    await queues.restore.add('restore', jobData(job), restoreJobOptions(job.id));
    const outcome = await cancelJob(store, queues, job.id);
    assert.equal(outcome.kind, 'canceled');
    assert.equal(await queues.restore.getJob(job.id), undefined);
    assert.equal((await store.get(job.id))?.status, 'canceled');
    assert.equal((await cancelJob(store, queues, job.id)).kind, 'final');
    assert.equal((await cancelJob(store, queues, 'j_nope')).kind, 'missing');
  });

  test('a running job is flagged and told on the cancel channel; its worker cancels it', async () => {
    const job = newJob();
    await store.createJob(job);
    const sub = redis.duplicate();
    await sub.subscribe(store.keys.cancelChannel);
    let release!: () => void;
    const canceled = new Promise<void>((r) => (release = r));
    const conn = redis.duplicate({ maxRetriesPerRequest: null });
    let worker!: Worker;
    const started = new Promise<void>((resolve) => {
      worker = new Worker<JobData>(
        RESTORE_QUEUE.name,
        async (bullJob) => {
          await store.transition(bullJob.data.jobId, 'running');
          resolve();
          await canceled;
          await store.transition(bullJob.data.jobId, 'canceled');
        },
        { connection: conn, prefix },
      );
    });
    sub.on('message', (_c, id) => {
      if (id === job.id) release();
    });
    await queues.restore.add('restore', jobData(job), restoreJobOptions(job.id));
    await started;
    assert.equal((await cancelJob(store, queues, job.id)).kind, 'requested');
    assert.equal((await store.get(job.id))?.cancelRequested, true);
    await canceled;
    await worker.close();
    conn.disconnect();
    sub.disconnect();
    assert.equal((await store.get(job.id))?.status, 'canceled');
  });

  test('events of a final job and its completed batch are enqueued once, however often published', async () => {
    const batchId = newBatchId();
    const jobs = [newJob(), newJob()];
    await store.createBatch({ id: batchId, tenant: 't1', createdAt: new Date().toISOString(), webhook: hook }, jobs);
    const view = (j: Parameters<typeof jobViewFromRecord>[0]) => jobViewFromRecord(j, noPresign);
    await store.transition(jobs[0].id, 'succeeded');
    assert.deepEqual(await publishJobEvents({ store, queues, jobId: jobs[0].id, view }), [`wh_job.succeeded_${jobs[0].id}`]);
    const last = await store.transition(jobs[1].id, 'failed', { error: { code: 'model_error', message: 'boom' } });
    assert.equal(last.batchCompleted, true);
    const ids = await publishJobEvents({ store, queues, jobId: jobs[1].id, view });
    assert.deepEqual(ids, [`wh_job.failed_${jobs[1].id}`, `wh_batch.completed_${batchId}`]);
    await publishJobEvents({ store, queues, jobId: jobs[1].id, view }); // a retry after a crash
    assert.equal(await queues.webhooks.count(), 3);
    const delivery = await queues.webhooks.getJob(`wh_batch.completed_${batchId}`);
    assert.equal(delivery?.data.event.type, 'batch.completed');
    assert.deepEqual(delivery?.data.event.data.counts, { queued: 0, running: 0, succeeded: 1, failed: 1, canceled: 0 });
  });

  test('idempotency: replay, conflict, in progress, release', async () => {
    const idem = new IdempotencyStore(redis, prefix, 60);
    assert.deepEqual(await idem.claim('t1', 'k1', 'h1'), { kind: 'claimed' });
    assert.deepEqual(await idem.claim('t1', 'k1', 'h1'), { kind: 'conflict', reason: 'in_progress' });
    assert.deepEqual(await idem.claim('t1', 'k1', 'h2'), { kind: 'conflict', reason: 'different_request' });
    await idem.complete('t1', 'k1', 'h1', { statusCode: 202, body: { id: 'j_1' } });
    assert.deepEqual(await idem.claim('t1', 'k1', 'h1'), { kind: 'replay', answer: { statusCode: 202, body: { id: 'j_1' } } });
    assert.deepEqual(await idem.claim('t2', 'k1', 'h2'), { kind: 'claimed' }, 'keys are per tenant');
    const ttl = await redis.ttl(`${prefix}:pure:idem:t1:k1`);
    assert.ok(ttl > 0 && ttl <= 60);
    await idem.release('t2', 'k1');
    assert.deepEqual(await idem.claim('t2', 'k1', 'h3'), { kind: 'claimed' });
  });
});
