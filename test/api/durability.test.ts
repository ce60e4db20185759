import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchView, JobView } from '@pure/contracts/job';
import type { JobManifest } from '@pure/contracts/job-manifest';
import { startApi, type RunningApi } from './lib/start-api';
import { smallImage } from './lib/images';

describe('durability: Redis restart, manifest fallback, storage failure mid-batch', () => {
  let api: RunningApi;
  let png: Buffer;
  const post = (path: string, body: unknown) =>
    fetch(`${api.url}${path}`, { method: 'POST', headers: { ...api.auth('acme'), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const get = (path: string) => fetch(`${api.url}${path}`, { headers: api.auth('acme') });

  before(async () => {
    api = await startApi({ appendonly: true, dispatcher: false });
    png = await smallImage('png');
  });
  after(async () => api.stop());

  test('Redis killed (SIGKILL) and restarted from its AOF between submit and read: the job is still there', async () => {
    const job = JobView.parse(await (await post('/v1/jobs', { input: { base64: png.toString('base64') }, metadata: { k: 'v' } })).json());
    await api.redisServer.kill('SIGKILL');
    await api.redisServer.restart();
    const res = await get(`/v1/jobs/${job.id}`);
    assert.equal(res.status, 200);
    const again = JobView.parse(await res.json());
    assert.equal(again.status, 'queued');
    assert.deepEqual(again.params, job.params);
    assert.deepEqual(again.metadata, { k: 'v' });
    assert.equal((await api.services.queues.restore.getJob(job.id))?.data.jobId, job.id, 'still in the queue');
  });

  test('once Redis has dropped a job, its view comes from the S3 manifest, with presigned links', async () => {
    const job = JobView.parse(await (await post('/v1/jobs', { input: { base64: png.toString('base64') } })).json());
    const record = (await api.services.store.get(job.id))!;
    const keys = api.services.storage.jobKeys('acme', job.id);
    const manifest: JobManifest = {
      v: 1,
      jobId: job.id,
      tenant: 'acme',
      batchId: null,
      status: 'succeeded',
      createdAt: job.createdAt,
      startedAt: job.createdAt,
      finishedAt: new Date().toISOString(),
      attempts: 1,
      params: job.params,
      metadata: null,
      input: record.input,
      model: { name: 'tiny', sha256: 'b'.repeat(64) },
      result: {
        artifacts: { image: keys.output('png'), entropyMap: keys.entropyMap, entropyLog: keys.entropyLog, entropySummary: keys.entropySummary, manifest: keys.manifest },
        format: 'png',
        width: 64,
        height: 64,
        degradation: 'blur',
        caption: 'a cat',
        stats: { textTokens: 10, imageTokens: 1024, resumedTokens: 0, meanEntropy: 2.5, meanK: 40, seconds: 1.5 },
      },
      error: null,
      timings: { total: 1.5 },
      checksums: {},
    };
    await api.services.storage.put(keys.manifest, JSON.stringify(manifest), { contentType: 'application/json' });
    await api.services.redis.del(api.services.store.keys.job(job.id)); // what the final TTL does later
    const view = JobView.parse(await (await get(`/v1/jobs/${job.id}`)).json());
    assert.equal(view.status, 'succeeded');
    assert.equal(view.result?.caption, 'a cat');
    assert.match(view.result!.image.url, new RegExp(`${keys.output('png').replace(/[.]/g, '\\.')}\\?.*X-Amz-Signature=`));
    const other = await fetch(`${api.url}/v1/jobs/${job.id}`, { headers: api.auth('globex') });
    assert.equal(other.status, 404, 'the manifest is read only under the tenant’s own folder');
  });

  test('a job whose submit died between its hash and the enqueue does not look queued', async () => {
    const keys = api.services.store.keys;
    const job = JobView.parse(await (await post('/v1/jobs', { input: { base64: png.toString('base64') } })).json());
    // What a crash after the hash write and before addBulk leaves: a queued hash and no queue entry.
    await api.services.queues.restore.remove(job.id);
    await api.services.redis.hset(keys.job(job.id), 'createdAt', new Date(Date.now() - 60_000).toISOString());
    const view = JobView.parse(await (await get(`/v1/jobs/${job.id}`)).json());
    assert.equal(view.status, 'failed');
    assert.equal(view.error?.code, 'internal');
  });

  test('an S3 failure in the middle of a batch upload stores nothing and enqueues nothing', async () => {
    const redisBefore = await api.redisKeys();
    const objectsBefore = await api.s3Keys();
    const waitingBefore = await api.services.queues.restore.count();
    // The first PUT is refused with a 403 (not retried); the uploads already in flight succeed and are undone.
    await api.s3.setFailure({ methods: ['PUT'], count: 1, status: 403 });
    const b64 = png.toString('base64');
    const res = await post('/v1/batches', { items: Array.from({ length: 24 }, () => ({ input: { base64: b64 } })) });
    await api.s3.clearFailure();
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'storage_error');
    assert.deepEqual(await api.s3Keys(), objectsBefore);
    assert.deepEqual(await api.redisKeys(), redisBefore);
    assert.equal(await api.services.queues.restore.count(), waitingBefore);
    const ok = await post('/v1/batches', { items: [{ input: { base64: b64 } }] });
    assert.equal(BatchView.parse(await ok.json()).total, 1, 'the api works again once S3 does');
  });
});
