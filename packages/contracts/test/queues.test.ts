import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESTORE_QUEUE, WEBHOOK_QUEUE, backoffDelay } from '@pure/contracts/queues';

test('restore jobs survive at least two stalls and retry', () => {
  assert.ok(RESTORE_QUEUE.maxStalledCount >= 2);
  assert.ok(RESTORE_QUEUE.attempts > 1);
});

test('webhook retries follow the Svix schedule, then stop', () => {
  const minutes = [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(WEBHOOK_QUEUE, n) / 60_000);
  assert.deepEqual(minutes, [5 / 60, 5, 30, 120, 300, 600, 600]);
  assert.equal(WEBHOOK_QUEUE.attempts, 8);
});
