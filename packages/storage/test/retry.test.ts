import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from '@pure/storage/retry';
import { isRetryableS3Error, toStorageError } from '@pure/storage/s3-errors';
import { NonRetryableError } from '@pure/contracts/errors/non-retryable-error';
import { RetryableError } from '@pure/contracts/errors/retryable-error';

test('backoff doubles from the base, stays within [cap/2, cap] and stops at the max', () => {
  for (let i = 0; i < 50; i++) {
    const d1 = backoffDelay(1, 100, 1000);
    const d3 = backoffDelay(3, 100, 1000);
    const d9 = backoffDelay(9, 100, 1000);
    assert.ok(d1 >= 50 && d1 <= 100);
    assert.ok(d3 >= 200 && d3 <= 400);
    assert.ok(d9 >= 500 && d9 <= 1000);
  }
});

test('classification: 5xx, 429, throttling and socket errors retry; 4xx do not', () => {
  const withStatus = (name: string, status: number) =>
    Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
  assert.equal(isRetryableS3Error(withStatus('InternalError', 500)), true);
  assert.equal(isRetryableS3Error(withStatus('SlowDown', 503)), true);
  assert.equal(isRetryableS3Error(withStatus('TooManyRequests', 429)), true);
  assert.equal(isRetryableS3Error(Object.assign(new Error('reset'), { code: 'ECONNRESET' })), true);
  assert.equal(isRetryableS3Error(withStatus('NoSuchKey', 404)), false);
  assert.equal(isRetryableS3Error(withStatus('AccessDenied', 403)), false);
  assert.ok(toStorageError(withStatus('AccessDenied', 403), 'put', 'k') instanceof NonRetryableError);
  assert.ok(toStorageError(withStatus('InternalError', 500), 'put', 'k') instanceof RetryableError);
});
