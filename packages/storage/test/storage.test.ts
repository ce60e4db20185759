import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { NonRetryableError } from '@pure/contracts/errors/non-retryable-error';
import { RetryableError } from '@pure/contracts/errors/retryable-error';
import { createStorage, type Storage } from '@pure/storage/storage';
import { startS3, uniquePrefix, type S3Server } from '../../../test/harness/index';

describe('storage on a real S3 server', () => {
  let s3: S3Server;
  let tmp: string;
  const retries: number[] = [];
  const open = (prefix: string, attempts = 4): Storage =>
    createStorage({
      endpoint: s3.endpoint,
      region: s3.region,
      bucket: s3.bucket,
      prefix,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      forcePathStyle: true,
      retry: { attempts, baseDelayMs: 5, maxDelayMs: 20, onRetry: ({ attempt }) => retries.push(attempt) },
    });

  before(async () => {
    s3 = await startS3();
    tmp = await mkdtemp(join(tmpdir(), 'pure-storage-test-'));
  });
  after(async () => {
    await s3?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  test('put, head, get, stream and download return the same bytes', async () => {
    const storage = open(`/${uniquePrefix('roundtrip')}/`);
    const key = storage.jobKeys('acme', 'job-1').output('png');
    assert.ok(key.startsWith(storage.prefix + '/acme/jobs/job-1/'));
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
    const digest = createHash('sha256').update(bytes).digest('hex');
    const put = await storage.put(key, bytes, { contentType: 'image/png', metadata: { phase: 'final' } });
    assert.deepEqual([put.size, put.sha256], [bytes.length, digest]);
    const info = await storage.head(key);
    assert.equal(info?.size, bytes.length);
    assert.equal(info?.sha256, digest);
    assert.equal(info?.contentType, 'image/png');
    assert.equal(info?.metadata.phase, 'final');
    assert.equal(info?.etag, put.etag);
    assert.deepEqual(await storage.get(key), bytes);
    const chunks: Buffer[] = [];
    for await (const chunk of await storage.stream(key)) chunks.push(chunk as Buffer);
    assert.deepEqual(Buffer.concat(chunks), bytes);
    const path = join(tmp, 'nested', 'out.png');
    assert.deepEqual(await storage.download(key, path), { size: bytes.length });
    assert.deepEqual(await readFile(path), bytes);
    storage.close();
  });

  test('put reads a stream body and a string body', async () => {
    const storage = open(uniquePrefix('bodies'));
    const keys = storage.jobKeys('t1', 'j');
    await storage.put(keys.entropyLog, Readable.from([Buffer.from([1, 2]), Buffer.from([3])]));
    await storage.put(keys.manifest, '{"v":1}', { contentType: 'application/json' });
    assert.deepEqual(await storage.get(keys.entropyLog), Buffer.from([1, 2, 3]));
    assert.equal((await storage.get(keys.manifest)).toString(), '{"v":1}');
    storage.close();
  });

  test('a missing object: head is null, get is a non-retryable input_missing, not retried', async () => {
    const storage = open(uniquePrefix('missing'));
    const key = storage.jobKeys('acme', 'nope').input('png');
    assert.equal(await storage.head(key), null);
    retries.length = 0;
    await assert.rejects(storage.get(key), (err: unknown) => {
      assert.ok(err instanceof NonRetryableError);
      assert.equal(err.code, 'input_missing');
      assert.equal((err.cause as Error).name, 'NoSuchKey');
      return true;
    });
    assert.deepEqual(retries, []);
    storage.close();
  });

  test('a put succeeds after the server refused it twice', async () => {
    const storage = open(uniquePrefix('retry'));
    const key = storage.jobKeys('acme', 'j2').manifest;
    retries.length = 0;
    const before = await s3.stats();
    await s3.setFailure({ count: 2, status: 503 });
    await storage.put(key, 'after two refusals');
    const after = await s3.stats();
    assert.deepEqual(retries, [1, 2]);
    assert.equal(after.refused - before.refused, 2);
    assert.equal((await storage.get(key)).toString(), 'after two refusals');
    storage.close();
  });

  test('dropped connections are retried too', async () => {
    const storage = open(uniquePrefix('reset'));
    const key = storage.jobKeys('acme', 'j3').entropySummary;
    await s3.setFailure({ count: 1, reset: true });
    await storage.put(key, '{}');
    assert.equal((await storage.get(key)).toString(), '{}');
    storage.close();
  });

  test('a store that keeps refusing ends in a retryable storage_error with the S3 error as cause', async () => {
    const storage = open(uniquePrefix('down'), 3);
    retries.length = 0;
    await s3.setFailure({ status: 503 });
    try {
      await assert.rejects(storage.put(storage.jobKeys('acme', 'j4').manifest, 'x'), (err: unknown) => {
        assert.ok(err instanceof RetryableError);
        assert.equal(err.code, 'storage_error');
        assert.equal((err.cause as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, 503);
        return true;
      });
    } finally {
      await s3.clearFailure();
    }
    assert.deepEqual(retries, [1, 2]);
    storage.close();
  });

  test('list, delete and deletePrefix', async () => {
    const storage = open(uniquePrefix('list'));
    const a = storage.jobKeys('acme', 'ja');
    const b = storage.jobKeys('acme', 'jb');
    for (const key of [a.input('png'), a.output('png'), a.manifest, b.manifest]) await storage.put(key, key);
    assert.deepEqual(
      (await storage.list(a.dir)).map((o) => o.key),
      [a.input('png'), a.manifest, a.output('png')].sort(),
    );
    await storage.delete(a.manifest);
    await storage.delete(a.manifest); // deleting twice is fine
    assert.equal(await storage.deletePrefix(a.dir), 2);
    assert.deepEqual(await storage.list(a.dir), []);
    assert.equal((await storage.list(b.dir)).length, 1);
    await assert.rejects(storage.deletePrefix(''), RangeError);
    storage.close();
  });

  test('a presigned GET downloads the object and carries its expiry', async () => {
    const storage = open(uniquePrefix('presign'));
    const key = storage.jobKeys('acme', 'j5').entropyMap;
    await storage.put(key, Buffer.from('png bytes'), { contentType: 'image/png' });
    const link = await storage.presignGet(key, 600, { filename: 'entropy.png' });
    const expires = Date.parse(link.expiresAt) - Date.now();
    assert.ok(expires > 590_000 && expires <= 600_000);
    assert.match(link.url, /X-Amz-Expires=600/);
    const answer = await fetch(link.url);
    assert.equal(answer.status, 200);
    assert.equal(await answer.text(), 'png bytes');
    await assert.rejects(storage.presignGet(key, 8 * 24 * 3600), RangeError);
    storage.close();
  });

  test('withBucket reads another bucket by full key', async () => {
    const storage = open(uniquePrefix('bucket'));
    const key = `${storage.prefix}/loose/object.bin`;
    await storage.put(key, 'loose');
    const other = storage.withBucket(s3.bucket);
    assert.equal(other.prefix, '');
    assert.equal((await other.get(key)).toString(), 'loose');
    storage.close();
  });

  test('ensureBucket creates a missing bucket once', async () => {
    const storage = open(uniquePrefix('bucket')).withBucket(`made-${process.pid}`);
    assert.equal(await storage.ensureBucket(), true);
    assert.equal(await storage.ensureBucket(), false);
    await storage.put('k', 'v');
    assert.equal((await storage.get('k')).toString(), 'v');
    storage.close();
  });
});
