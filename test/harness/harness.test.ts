import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createStorage } from '@pure/storage/storage';
import { startNodeProcess, startRedis, startS3, s3StorageConfig, uniquePrefix } from './index';
import type { RedisServer, S3Server } from './index';

/** A store on the harness server that tries each call once, so the proxy's refusals show. */
function open(s3: S3Server) {
  return createStorage(s3StorageConfig(s3, '', { attempts: 1 }));
}

describe('harness', () => {
  let redis: RedisServer;
  let s3: S3Server;
  before(async () => {
    [redis, s3] = await Promise.all([startRedis({ appendonly: true }), startS3()]);
  });
  after(async () => {
    await Promise.all([redis?.stop(), s3?.stop()]);
  });

  test('uniquePrefix gives distinct, separator-free names', () => {
    const a = uniquePrefix('Cancel: queued job');
    const b = uniquePrefix('Cancel: queued job');
    assert.notEqual(a, b);
    assert.match(a, /^t-cancel-queued-job-[a-z0-9-]+$/);
  });

  test('redis killed with SIGKILL and restarted keeps an AOF write', async () => {
    const key = `${uniquePrefix('aof')}:k`;
    const client = new Redis(redis.url, { maxRetriesPerRequest: null, lazyConnect: true });
    await client.connect();
    await client.set(key, 'kept');
    await redis.kill('SIGKILL');
    await redis.restart();
    assert.equal(await client.get(key), 'kept'); // ioredis reconnects to the same port
    client.disconnect();
  });

  test('s3 put and get round trip (signed, through the proxy)', async () => {
    const storage = open(s3);
    const key = `${uniquePrefix('rt')}/a.bin`;
    const body = Buffer.from([0, 1, 2, 250, 255]);
    await storage.put(key, body);
    assert.deepEqual(await storage.get(key), body);
    storage.close();
  });

  test('the failure proxy answers 503 to the next uploads, then passes them again', async () => {
    const storage = open(s3);
    const key = `${uniquePrefix('fail')}/b.txt`;
    const url = `${s3.endpoint}/${s3.bucket}/${key}`;
    const before = await s3.stats();
    await s3.setFailure({ count: 2 });
    assert.equal((await fetch(url, { method: 'PUT', body: 'x' })).status, 503);
    const refusal = await fetch(url, { method: 'PUT', body: 'x' });
    assert.equal(refusal.status, 503);
    assert.match(await refusal.text(), /<Code>SlowDown<\/Code>/);
    assert.equal(await storage.head(key), null); // reads pass; nothing was stored
    await storage.put(key, 'x'); // one attempt only: the proxy passes uploads again
    const after = await s3.stats();
    assert.equal(after.refused - before.refused, 2);
    assert.equal(after.passed.PUT - (before.passed.PUT ?? 0), 1);
    storage.close();
  });

  test('the failure proxy can refuse until cleared, and drop connections', async () => {
    const storage = open(s3);
    const key = `${uniquePrefix('toggle')}/c.txt`;
    const url = `${s3.endpoint}/${s3.bucket}/${key}`;
    await s3.setFailure({ reset: true });
    await assert.rejects(fetch(url, { method: 'PUT', body: 'y' }));
    await s3.setFailure({ status: 500 });
    assert.equal((await fetch(url, { method: 'PUT', body: 'y' })).status, 500);
    assert.equal((await fetch(url, { method: 'PUT', body: 'y' })).status, 500);
    await s3.clearFailure();
    await storage.put(key, 'y');
    assert.equal((await storage.get(key)).toString(), 'y');
    storage.close();
  });

  test('a node app runs as a child process: ready line, JSON records, SIGTERM and SIGKILL', async () => {
    const script = 'test/harness/fixtures/echo-app.ts';
    const app = await startNodeProcess({ script, env: { ECHO_VALUE: 'v1' }, readyLine: /"msg":"listening"/ });
    assert.deepEqual(app.records()[0], { msg: 'listening', value: 'v1' });
    await app.stop();
    assert.deepEqual(await app.exit, { code: 0, signal: null });
    assert.ok(app.lines().includes('draining'));
    const again = await startNodeProcess({ script, readyLine: /listening/ });
    await again.kill('SIGKILL');
    assert.equal((await again.exit).signal, 'SIGKILL');
    await assert.rejects(again.waitForLine(/never/), /exited before/);
  });
});
