import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { JobView } from '@pure/contracts/job';
import { freePort, s3Env, startNodeProcess, startRedis, startS3, uniquePrefix, type RedisServer, type S3Server } from '../harness/index';
import { smallImage } from './lib/images';

describe('the api as a child process (apps/api/src/main.ts and dispatcher-main.ts)', () => {
  let redis: RedisServer;
  let s3: S3Server;
  let env: Record<string, string>;
  before(async () => {
    [redis, s3] = await Promise.all([startRedis(), startS3()]);
    const prefix = uniquePrefix('main');
    env = { REDIS_URL: redis.url, PURE_REDIS_PREFIX: prefix, ...s3Env(s3, prefix), PURE_API_KEYS: 'acme:k1', LOG_LEVEL: 'info' };
  });
  after(async () => {
    await Promise.all([redis.stop(), s3.stop()]);
  });

  test('bad config exits non-zero naming the variable', async () => {
    const proc = await startNodeProcess({ script: 'apps/api/src/main.ts', env: { ...env, PURE_API_KEYS: '', PURE_MAX_BATCH_ITEMS: 'many' } });
    const { code } = await proc.exit;
    assert.equal(code, 2);
    const out = proc.lines().join('\n');
    assert.match(out, /PURE_API_KEYS/);
    assert.match(out, /PURE_MAX_BATCH_ITEMS/);
  });

  test('serves, takes a job, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const proc = await startNodeProcess({ script: 'apps/api/src/main.ts', env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, readyLine: /Server listening/ });
    try {
      const png = await smallImage('png');
      const res = await fetch(`http://127.0.0.1:${port}/v1/jobs`, { method: 'POST', headers: { authorization: 'Bearer k1', 'content-type': 'application/json' }, body: JSON.stringify({ input: { base64: png.toString('base64') } }) });
      assert.equal(res.status, 202);
      assert.equal(JobView.parse(await res.json()).status, 'queued');
      assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);
    } finally {
      await proc.stop();
    }
    assert.equal((await proc.exit).code, 0);
  });

  test('the dispatcher runs alone', async () => {
    const port = await freePort();
    const proc = await startNodeProcess({ script: 'apps/api/src/dispatcher-main.ts', env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, readyLine: /webhook dispatcher started/ });
    try {
      assert.match(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), /pure_webhook_deliveries_total/);
    } finally {
      await proc.stop();
    }
    assert.equal((await proc.exit).code, 0);
  });
});
