import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BatchView, JobView } from '@pure/contracts/job';
import { startApi, type RunningApi } from './lib/start-api';
import { smallImage } from './lib/images';
import { form } from './lib/multipart';

describe('submits, views, cancel, idempotency, tenants (e2e on a running api)', () => {
  let api: RunningApi;
  let png: Buffer;
  let imageServer: Server;
  let imageUrl: string;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${api.url}${path}`, { method: 'POST', headers: { ...api.auth('acme'), 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const get = (path: string, tenant: 'acme' | 'globex' = 'acme') => fetch(`${api.url}${path}`, { headers: api.auth(tenant) });

  before(async () => {
    api = await startApi({ dispatcher: false });
    png = await smallImage('png');
    imageServer = createServer((req, res) => {
      if (req.url === '/redirect') return void res.writeHead(302, { location: '/img.png' }).end();
      res.writeHead(200, { 'content-type': 'image/png' }).end(png);
    });
    await new Promise<void>((r) => imageServer.listen(0, '127.0.0.1', r));
    imageUrl = `http://127.0.0.1:${(imageServer.address() as AddressInfo).port}`;
  });
  after(async () => {
    imageServer.close();
    await api.stop();
  });

  test('JSON submit with base64 input: 202, queued job, input stored, job enqueued', async () => {
    const res = await post('/v1/jobs', { input: { base64: png.toString('base64') }, params: { kMax: 500 }, metadata: { name: 'cat' } });
    assert.equal(res.status, 202);
    const view = JobView.parse(await res.json());
    assert.equal(view.status, 'queued');
    assert.equal(view.params.kMax, 500);
    assert.equal(view.params.cfg, 0.8);
    assert.equal(typeof view.params.seed, 'number');
    assert.deepEqual(view.metadata, { name: 'cat' });
    const bull = await api.services.queues.restore.getJob(view.id);
    assert.equal(bull?.data.jobId, view.id);
    assert.equal(bull?.data.input.format, 'png');
    assert.deepEqual(await api.services.storage.get(bull!.data.input.key), png);
    const again = JobView.parse(await (await get(`/v1/jobs/${view.id}`)).json());
    assert.equal(again.id, view.id);
  });

  test('multipart submit with params and webhook_url', async () => {
    const res = await fetch(`${api.url}/v1/jobs`, {
      method: 'POST',
      headers: api.auth('acme'),
      body: form([png], { params: JSON.stringify({ temperature: 0.5 }), webhook_url: 'http://127.0.0.1:9/hook' }),
    });
    assert.equal(res.status, 202, await res.clone().text());
    const view = JobView.parse(await res.json());
    assert.equal(view.params.temperature, 0.5);
    const record = await api.services.store.get(view.id);
    assert.equal(record?.webhook?.url, 'http://127.0.0.1:9/hook');
  });

  test('URL input is fetched by the server, following a redirect', async () => {
    const res = await post('/v1/jobs', { input: { url: `${imageUrl}/redirect` } });
    assert.equal(res.status, 202, await res.clone().text());
    const view = JobView.parse(await res.json());
    const bull = await api.services.queues.restore.getJob(view.id);
    assert.equal(bull?.data.input.sha256.length, 64);
  });

  test('s3 input: the tenant\'s own folder of the api bucket is allowed, another tenant\'s is not', async () => {
    const storage = api.services.storage;
    const own = `${storage.prefix}/acme/uploads/a.png`;
    const other = `${storage.prefix}/globex/uploads/a.png`;
    await storage.put(own, png);
    await storage.put(other, png);
    const ok = await post('/v1/jobs', { input: { s3: `s3://${storage.bucket}/${own}` } });
    assert.equal(ok.status, 202, await ok.clone().text());
    const refused = await post('/v1/jobs', { input: { s3: `s3://${storage.bucket}/${other}` } });
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'url_not_allowed');
    const missing = await post('/v1/jobs', { input: { s3: `s3://${storage.bucket}/${storage.prefix}/acme/uploads/none.png` } });
    assert.equal(missing.status, 422);
  });

  test('JSON batch: item params override batch params; counts and job list', async () => {
    const b64 = png.toString('base64');
    const res = await post('/v1/batches', {
      items: [{ input: { base64: b64 } }, { input: { base64: b64 }, params: { kMax: 100 } }, { input: { url: `${imageUrl}/img.png` } }],
      params: { kMax: 300, cfg: 1.5 },
      metadata: { run: '7' },
    });
    assert.equal(res.status, 202, await res.clone().text());
    const batch = BatchView.parse(await res.json());
    assert.equal(batch.total, 3);
    assert.deepEqual(batch.counts, { queued: 3, running: 0, succeeded: 0, failed: 0, canceled: 0 });
    const views = await Promise.all(batch.jobs.map(async (j) => JobView.parse(await (await get(`/v1/jobs/${j.id}`)).json())));
    assert.deepEqual(views.map((v) => v.params.kMax), [300, 100, 300]);
    assert.ok(views.every((v) => v.params.cfg === 1.5 && v.batchId === batch.id));
    assert.equal(BatchView.parse(await (await get(`/v1/batches/${batch.id}`)).json()).id, batch.id);
  });

  test('multipart batch with repeated image parts', async () => {
    const res = await fetch(`${api.url}/v1/batches`, { method: 'POST', headers: api.auth('acme'), body: form([png, await smallImage('jpeg'), await smallImage('webp')], { params: '{"mu":4}' }) });
    assert.equal(res.status, 202, await res.clone().text());
    const batch = BatchView.parse(await res.json());
    assert.equal(batch.total, 3);
    const formats = await Promise.all(batch.jobs.map(async (j) => (await api.services.queues.restore.getJob(j.id))?.data.input.format));
    assert.deepEqual(formats, ['png', 'jpeg', 'webp']);
  });

  test('cancel of a queued job: canceled at once and gone from the queue; a second cancel is 409', async () => {
    const view = JobView.parse(await (await post('/v1/jobs', { input: { base64: png.toString('base64') } })).json());
    const res = await post(`/v1/jobs/${view.id}/cancel`, {});
    assert.equal(res.status, 200);
    assert.equal(JobView.parse(await res.json()).status, 'canceled');
    assert.equal(await api.services.queues.restore.getJob(view.id), undefined);
    // its durable record exists, so the view outlives the Redis hash
    await api.services.redis.del(api.services.store.keys.job(view.id));
    assert.equal(JobView.parse(await (await get(`/v1/jobs/${view.id}`)).json()).status, 'canceled');
    assert.equal((await post(`/v1/jobs/${view.id}/cancel`, {})).status, 409);
    const other = JobView.parse(await (await post('/v1/jobs', { input: { base64: png.toString('base64') } })).json());
    assert.equal((await post(`/v1/jobs/${other.id}/cancel`, {})).status, 200);
    const again = await post(`/v1/jobs/${other.id}/cancel`, {});
    assert.equal(again.status, 409);
    assert.equal(((await again.json()) as { error: { code: string } }).error.code, 'not_cancelable');
  });

  test('cancel of a batch cancels its queued jobs', async () => {
    const b64 = png.toString('base64');
    const batch = BatchView.parse(await (await post('/v1/batches', { items: [{ input: { base64: b64 } }, { input: { base64: b64 } }] })).json());
    const res = await post(`/v1/batches/${batch.id}/cancel`, {});
    assert.equal(res.status, 202);
    const after = BatchView.parse(await res.json());
    assert.equal(after.counts.canceled, 2);
    assert.ok(after.completedAt);
  });

  test('Idempotency-Key: the same request gets the same job; another body is 409', async () => {
    const body = { input: { base64: png.toString('base64') }, params: { seed: 42 } };
    const first = await post('/v1/jobs', body, { 'idempotency-key': 'order-1' });
    const second = await post('/v1/jobs', body, { 'idempotency-key': 'order-1' });
    assert.equal(first.status, 202);
    assert.equal(second.status, 202);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(await second.json(), await first.json());
    const other = await post('/v1/jobs', { ...body, params: { seed: 43 } }, { 'idempotency-key': 'order-1' });
    assert.equal(other.status, 409);
    assert.equal(((await other.json()) as { error: { code: string } }).error.code, 'idempotency_conflict');
    // the key is per tenant
    const globex = await fetch(`${api.url}/v1/jobs`, { method: 'POST', headers: { ...api.auth('globex'), 'content-type': 'application/json', 'idempotency-key': 'order-1' }, body: JSON.stringify(body) });
    assert.equal(globex.status, 202);
  });

  test('a tenant never sees another tenant\'s jobs and batches (404)', async () => {
    const view = JobView.parse(await (await post('/v1/jobs', { input: { base64: png.toString('base64') } })).json());
    for (const path of [`/v1/jobs/${view.id}`, `/v1/jobs/${view.id}/events`, `/v1/jobs/${view.id}/deliveries`]) {
      const res = await get(path, 'globex');
      assert.equal(res.status, 404, path);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'not_found');
    }
    const cancel = await fetch(`${api.url}/v1/jobs/${view.id}/cancel`, { method: 'POST', headers: api.auth('globex') });
    assert.equal(cancel.status, 404);
    assert.equal((await api.services.store.get(view.id))?.status, 'queued');
    assert.equal((await get('/v1/jobs/j_00000000000000000000000000')).status, 404);
  });

  test('missing or wrong API key: 401 with the error shape', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer nope' }, { authorization: 'Basic a2V5' }, { authorization: `Bearer ${'key-acme-123'}x` }]) {
      const res = await fetch(`${api.url}/v1/jobs/j_00000000000000000000000000`, { headers });
      assert.equal(res.status, 401);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'unauthorized');
    }
    const res = await fetch(`${api.url}/v1/batches`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 401);
  });
});
