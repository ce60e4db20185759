import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BusyTracker } from '@pure/telemetry/busy-tracker';

test('busy ratio covers the window (or the life so far) and busy seconds the whole life', () => {
  let now = 0;
  const tracker = new BusyTracker(10_000, () => now);
  now = 2_000;
  tracker.set(true); // busy from 2 s
  now = 4_000;
  assert.equal(tracker.ratio(), 2 / 4); // 2 s busy of 4 s alive
  tracker.set(false); // idle from 4 s
  tracker.set(false);
  now = 20_000; // window [10 s, 20 s]: nothing busy
  assert.equal(tracker.ratio(), 0);
  assert.equal(tracker.busySeconds(), 2);
  tracker.set(true);
  now = 27_500; // window [17.5, 27.5]: busy 20..27.5 = 7.5 s
  assert.equal(tracker.ratio(), 0.75);
  assert.equal(tracker.busySeconds(), 9.5);
  assert.equal(tracker.busy, true);
});
