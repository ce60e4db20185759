import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ConfigError, loadEnv } from '../src/env';
import { tenantOf } from '../src/http/auth';

const base = { S3_BUCKET: 'b', PURE_API_KEYS: 'acme:k1' };

test('defaults and limits', () => {
  const env = loadEnv(base);
  assert.equal(env.PORT, 8080);
  assert.equal(env.PURE_MAX_BATCH_ITEMS, 1000);
  assert.equal(env.PURE_DISPATCHER, 'in-process');
  assert.equal(env.PURE_ALLOW_PRIVATE_URLS, false);
  assert.deepEqual(env.PURE_WEBHOOK_RETRY_SCHEDULE, [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
  assert.deepEqual(loadEnv({ ...base, PURE_WEBHOOK_RETRY_SCHEDULE: '10, 20' }).PURE_WEBHOOK_RETRY_SCHEDULE, [10, 20]);
});

test('bad config names the variable', () => {
  const bad = (env: Record<string, string>, name: RegExp) => assert.throws(() => loadEnv(env), (e: unknown) => e instanceof ConfigError && name.test(e.message));
  bad({ S3_BUCKET: 'b' }, /PURE_API_KEYS/);
  bad({ ...base, PURE_API_KEYS: 'nocolon' }, /PURE_API_KEYS/);
  bad({ ...base, PORT: 'eighty' }, /PORT/);
  bad({ ...base, PURE_MAX_BATCH_ITEMS: '0' }, /PURE_MAX_BATCH_ITEMS/);
  bad({ ...base, PURE_WEBHOOK_SECRETS: 'acme:nope' }, /PURE_WEBHOOK_SECRETS/);
  bad({ ...base, PURE_WEBHOOK_RETRY_SCHEDULE: '5s' }, /PURE_WEBHOOK_RETRY_SCHEDULE/);
  bad({ ...base, PURE_DISPATCHER: 'maybe' }, /PURE_DISPATCHER/);
  bad({ PURE_API_KEYS: 'a:b' }, /S3_BUCKET/);
  bad({ ...base, S3_ACCESS_KEY_ID: 'x' }, /S3_SECRET_ACCESS_KEY/);
});

test('API keys: plain and sha256 forms, Bearer only', () => {
  const hex = createHash('sha256').update('k2').digest('hex');
  const keys = loadEnv({ ...base, PURE_API_KEYS: `acme:k1, globex:sha256:${hex}` }).PURE_API_KEYS;
  assert.equal(tenantOf(keys, 'Bearer k1'), 'acme');
  assert.equal(tenantOf(keys, 'bearer k2'), 'globex');
  for (const header of [undefined, '', 'k1', 'Basic k1', 'Bearer k3', `Bearer sha256:${hex}`]) {
    assert.throws(() => tenantOf(keys, header), (e: unknown) => (e as { status?: number }).status === 401, String(header));
  }
});
