import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NonRetryableError } from '@pure/contracts/errors/non-retryable-error';
import { jobKeys, normalizePrefix, tenantDir } from '@pure/storage/key-layout';

test('job keys follow ARCHITECTURE.md', () => {
  const keys = jobKeys('prod', 'acme', 'j-1');
  assert.equal(keys.dir, 'prod/acme/jobs/j-1/');
  assert.equal(keys.input('jpeg'), 'prod/acme/jobs/j-1/input.jpeg');
  assert.equal(keys.output('png'), 'prod/acme/jobs/j-1/output.png');
  assert.equal(keys.entropyLog, 'prod/acme/jobs/j-1/entropy.f32');
  assert.equal(keys.entropySummary, 'prod/acme/jobs/j-1/entropy.json');
  assert.equal(keys.entropyMap, 'prod/acme/jobs/j-1/entropy.png');
  assert.equal(keys.manifest, 'prod/acme/jobs/j-1/manifest.json');
});

test('an empty prefix leaves no leading slash; slashes around a prefix are ignored', () => {
  assert.equal(jobKeys('', 'acme', 'j').manifest, 'acme/jobs/j/manifest.json');
  assert.equal(normalizePrefix('/a/b/'), 'a/b');
  assert.equal(tenantDir('/a/', 't'), 'a/t/');
});

test('tenants, job ids and extensions that could escape their folder are refused', () => {
  for (const [tenant, job] of [['a/b', 'j'], ['..', 'j'], ['', 'j'], ['t', '../x'], ['t', '.hidden']]) {
    assert.throws(() => jobKeys('p', tenant, job), NonRetryableError);
  }
  assert.throws(() => jobKeys('p', 't', 'j').output('png/../x'), NonRetryableError);
});
