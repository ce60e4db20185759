import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiRequestError } from '../../apps/cli/src/api-error';
import { CLIENT_ROUTES, PureClient } from '../../apps/cli/src/client';
import { startApi, KEYS, type RunningApi } from '../api/lib/start-api';
import { startTestConsumer } from '../api/lib/test-consumer';
import { REPO_ROOT, runCli } from './lib/run-cli';

const EXAMPLES = join(REPO_ROOT, 'examples');

describe('the pure client and commands against a running api (jobs end failed: no model here)', () => {
  let api: RunningApi;
  let consumer: { close(): Promise<void> };
  let client: PureClient;
  let cliEnv: Record<string, string>;

  before(async () => {
    api = await startApi({ dispatcher: false });
    // Moves each job like a worker would (running, image progress) and ends it failed.
    consumer = startTestConsumer(
      { connection: api.services.redis, prefix: api.prefix, store: api.services.store, queues: api.services.queues, view: (j) => api.services.views.job(j.tenant, j.id) },
      async (data) => {
        await api.services.store.setProgress(data.jobId, { phase: 'image', done: 65, total: 130 });
        return 'failed';
      },
    );
    client = new PureClient({ baseUrl: api.url, apiKey: KEYS.acme });
    cliEnv = { PURE_API_URL: api.url, PURE_API_KEY: KEYS.acme };
  });
  after(async () => {
    await consumer?.close();
    await api?.stop();
  });

  test('every route the client calls is in /openapi.json with its method', async () => {
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [name, route] of Object.entries(CLIENT_ROUTES)) {
      assert.ok(doc.paths[route.path], `${name}: ${route.path} is not in the OpenAPI document`);
      assert.ok(doc.paths[route.path][route.method], `${name}: ${route.method.toUpperCase()} ${route.path} is not in the OpenAPI document`);
    }
  });

  test('the client parses real answers with the contracts, and errors say whether to retry', async () => {
    const names = (await readdir(EXAMPLES)).filter((n) => n.endsWith('.png')).slice(0, 2);
    const files = await Promise.all(names.map(async (name) => ({ name, bytes: await readFile(join(EXAMPLES, name)) })));
    const batch = await client.submitBatch(files, { params: { seed: 7, kMax: 500 }, webhookUrl: 'http://127.0.0.1:9/hook', metadata: { from: 'test' } });
    assert.equal(batch.total, 2);
    assert.deepEqual(batch.metadata, { from: 'test' });
    assert.equal((await client.getBatch(batch.id)).id, batch.id);
    const job = await client.getJob(batch.jobs[0].id);
    assert.equal(job.batchId, batch.id);
    assert.equal(job.params.seed, 7);
    assert.equal(job.params.kMax, 500);
    assert.equal(job.params.cfg, 0.8, 'unset params keep the server defaults');
    assert.match(await client.webhookSecret(), /^whsec_/);
    assert.equal(await client.ready(), true);

    const missing = await client.getJob('j_00000000000000000000000000').catch((e: unknown) => e);
    assert.ok(missing instanceof ApiRequestError);
    assert.deepEqual([missing.status, missing.code, missing.retryable], [404, 'not_found', false]);
    const denied = await new PureClient({ baseUrl: api.url, apiKey: 'wrong' }).getBatch(batch.id).catch((e: unknown) => e);
    assert.ok(denied instanceof ApiRequestError);
    assert.deepEqual([denied.status, denied.code], [401, 'unauthorized']);
    const down = await new PureClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k' }).getJob('j_x').catch((e: unknown) => e);
    assert.ok(down instanceof ApiRequestError);
    assert.deepEqual([down.status, down.code, down.retryable], [0, 'network', true]);
  });

  test('pure submit prints the batch id; pure watch follows it to the end; pure get reports what is missing', async () => {
    const submit = await runCli(['submit', EXAMPLES, '--param', 'seed=3', '--param', 'colorFix=false'], cliEnv);
    assert.equal(submit.code, 0, submit.stderr);
    const batchId = submit.stdout.trim();
    assert.match(batchId, /^b_\w+$/);
    assert.match(submit.stderr, /submitted 4 image\(s\)/);
    const job = await client.getJob((await client.getBatch(batchId)).jobs[0].id);
    assert.deepEqual([job.params.seed, job.params.colorFix], [3, false]);

    // stdout is a pipe here: plain progress lines, no bars; the jobs fail, so the exit code is 1
    const watch = await runCli(['watch', batchId], cliEnv);
    assert.equal(watch.code, 1, watch.stderr);
    assert.match(watch.stdout, /checker\.png|j_\w+: failed/);
    assert.match(watch.stdout, new RegExp(`batch ${batchId}: 0 succeeded, 4 failed, 0 canceled`));
    assert.doesNotMatch(watch.stdout, /\u2588|\u2591/, 'no bar characters when stdout is not a terminal');

    const get = await runCli(['get', batchId, '--out', '/tmp/unused-pure-get'], cliEnv);
    assert.equal(get.code, 1);
    assert.equal(get.stderr.match(/failed: model_error: .* \(nothing to download\)/g)?.length, 4, get.stderr);
  });

  test('usage errors exit 2 and name the problem', async () => {
    const bad = await runCli(['submit', EXAMPLES, '--param', 'kMin=9', '--param', 'kMax=3'], cliEnv);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /kMin \(9\) must be <= kMax \(3\)/);
    const noKey = await runCli(['watch', 'b_x'], { PURE_API_KEY: '' });
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /no API key/);
    const unknown = await runCli(['submit', '--bogus'], cliEnv);
    assert.equal(unknown.code, 2);
  });
});
