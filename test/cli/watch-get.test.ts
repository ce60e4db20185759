import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { s3Env, startNodeProcess, type NodeProcess } from '../harness/index';
import { startApi, KEYS, type RunningApi } from '../api/lib/start-api';
import { REPO_ROOT, runCli } from './lib/run-cli';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('pure submit, watch and get with a real worker (tiny model)', () => {
  let api: RunningApi;
  let worker: NodeProcess;
  let env: Record<string, string>;
  const out = mkdtempSync(join(tmpdir(), 'pure-get-'));

  before(async () => {
    api = await startApi({ dispatcher: false });
    worker = await startNodeProcess({
      script: 'apps/worker/src/main.ts',
      env: { REDIS_URL: api.redisServer.url, PURE_REDIS_PREFIX: api.prefix, ...s3Env(api.s3, api.prefix), PURE_MODEL: 'tiny', METRICS_PORT: '0', METRICS_HOST: '127.0.0.1', PURE_THREADS: '1' },
      readyLine: /"to":"running"/,
      readyTimeoutMs: 120_000,
    });
    env = { PURE_API_URL: api.url, PURE_API_KEY: KEYS.acme };
  });
  after(async () => {
    await worker?.stop();
    await api?.stop();
    rmSync(out, { recursive: true, force: true });
  });

  test('watch exits 0 once every job succeeded; get writes output, heatmap, entropy log, summary and text per job', async () => {
    const files = [join(REPO_ROOT, 'examples', 'checker.png'), join(REPO_ROOT, 'examples', 'text.png')];
    const submit = await runCli(['submit', ...files, '--param', 'seed=11', '--param', 'output=webp'], env);
    assert.equal(submit.code, 0, submit.stderr);
    const batchId = submit.stdout.trim();

    const watch = await runCli(['watch', batchId], env);
    assert.equal(watch.code, 0, watch.stdout + watch.stderr);
    assert.match(watch.stdout, /: succeeded \d+\/\d+ tokens/);
    assert.match(watch.stdout, new RegExp(`batch ${batchId}: 2 succeeded, 0 failed, 0 canceled`));

    const get = await runCli(['get', batchId, '--out', out], env);
    assert.equal(get.code, 0, get.stderr);
    const jobIds = [...get.stdout.matchAll(/^(j_\w+): /gm)].map((m) => m[1]);
    assert.equal(jobIds.length, 2, get.stdout);
    for (const id of jobIds) {
      const dir = join(out, id);
      assert.equal(readFileSync(join(dir, 'output.webp')).subarray(8, 12).toString('latin1'), 'WEBP', 'output in the requested format');
      assert.deepEqual(readFileSync(join(dir, 'entropy.png')).subarray(0, 8), PNG_SIGNATURE);
      const summary = JSON.parse(readFileSync(join(dir, 'entropy.json'), 'utf8')) as { count: number };
      assert.equal(readFileSync(join(dir, 'entropy.f32')).length, summary.count * 8, 'one float32 (entropy, k) pair per image token');
      assert.match(readFileSync(join(dir, 'text.txt'), 'utf8'), /^degradation: .*\ncaption: /s);
      const view = JSON.parse(readFileSync(join(dir, 'job.json'), 'utf8')) as { id: string; params: { seed: number }; result: Record<string, unknown> };
      assert.equal(view.id, id);
      assert.equal(view.params.seed, 11);
      assert.ok(!('image' in view.result), 'expiring links are left out of job.json');
    }

    const one = await runCli(['get', jobIds[0], '--out', join(out, 'single')], env);
    assert.equal(one.code, 0, one.stderr);
    assert.ok(existsSync(join(out, 'single', jobIds[0], 'output.webp')));
  });
});
