import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESTORE_QUEUE } from '@pure/contracts/queues';
import { ConfigError, loadEnv } from '../src/env';
import { modelLabel } from '../src/model-label';

const base = { S3_BUCKET: 'pure' };

test('defaults: tiny model on cpu, port 9464, concurrency 1, the catalog lock and stall settings', () => {
  const env = loadEnv(base);
  assert.equal(env.PURE_MODEL, 'tiny');
  assert.equal(env.PURE_EP, 'cpu');
  assert.equal(env.METRICS_PORT, 9464);
  assert.equal(env.PURE_CONCURRENCY, 1);
  assert.equal(env.LOG_LEVEL, 'info');
  assert.equal(env.PURE_LOCK_DURATION_MS, RESTORE_QUEUE.lockDuration);
  assert.equal(env.PURE_STALLED_INTERVAL_MS, RESTORE_QUEUE.stalledInterval);
  assert.equal(env.PURE_MAX_STALLED_COUNT, RESTORE_QUEUE.maxStalledCount);
  assert.deepEqual(env.PURE_BACKOFF_MS, RESTORE_QUEUE.backoffMs);
  assert.equal(env.PURE_REDIS_PREFIX, 'pure');
});

test('PURE_EP accepts cuda in any case and refuses anything else, listing the valid values', () => {
  assert.equal(loadEnv({ ...base, PURE_EP: 'CUDA' }).PURE_EP, 'cuda');
  assert.throws(() => loadEnv({ ...base, PURE_EP: 'tensorrt' }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /PURE_EP: unknown execution provider "tensorrt": valid values are cpu, cuda/);
    return true;
  });
});

test('bad values are named: threads, log level, bucket, backoff list, credentials in pairs', () => {
  const message = (env: Record<string, string>) => {
    try {
      loadEnv(env);
    } catch (err) {
      return (err as Error).message;
    }
    return '';
  };
  assert.match(message({ ...base, PURE_THREADS: 'many' }), /PURE_THREADS/);
  assert.match(message({ ...base, LOG_LEVEL: 'loud' }), /LOG_LEVEL/);
  assert.match(message({}), /S3_BUCKET/);
  assert.match(message({ ...base, PURE_BACKOFF_MS: '5,x' }), /PURE_BACKOFF_MS/);
  assert.match(message({ ...base, S3_ACCESS_KEY_ID: 'a' }), /S3_SECRET_ACCESS_KEY/);
  assert.match(message({ ...base, PURE_REDIS_PREFIX: 'a:b' }), /PURE_REDIS_PREFIX/);
});

test('the model label is the package name or the last part of its location', () => {
  assert.equal(modelLabel('tiny'), 'tiny');
  assert.equal(modelLabel('/models/pure-7b/'), 'pure-7b');
  assert.equal(modelLabel('s3://bucket/models/pure-7b'), 'pure-7b');
});
