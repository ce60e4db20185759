import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NonRetryableError } from '@pure/contracts/errors/non-retryable-error';
import { parseS3Url } from '@pure/storage/parse-s3-url';

test('parseS3Url splits bucket and key', () => {
  assert.deepEqual(parseS3Url('s3://inputs/a/b.png'), { bucket: 'inputs', key: 'a/b.png' });
  assert.deepEqual(parseS3Url('s3://models/pure/7b/'), { bucket: 'models', key: 'pure/7b/' });
  assert.deepEqual(parseS3Url('s3://models'), { bucket: 'models', key: '' });
});

test('parseS3Url refuses other schemes and bad bucket names', () => {
  for (const url of ['http://b/k', 's3:/b/k', 's3://', 's3://ab/k', 's3://Upper/k', 'inputs/a.png']) {
    const invalid = (err: unknown) => err instanceof NonRetryableError && err.code === 'invalid_request';
    assert.throws(() => parseS3Url(url), invalid);
  }
});
