import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lifecycle, type WorkerState } from '../src/lifecycle';

test('starting -> running -> draining -> stopped, with change events', () => {
  const l = new Lifecycle();
  const seen: string[] = [];
  l.on('change', (to: WorkerState, from: WorkerState) => seen.push(`${from}->${to}`));
  assert.equal(l.state, 'starting');
  assert.equal(l.to('running'), true);
  assert.equal(l.to('draining'), true);
  assert.equal(l.to('stopped'), true);
  assert.deepEqual(seen, ['starting->running', 'running->draining', 'draining->stopped']);
});

test('illegal moves change nothing: no way back, no skipping the drain, draining twice is a no-op', () => {
  const l = new Lifecycle();
  assert.equal(l.to('stopped'), false);
  assert.equal(l.to('draining'), true); // a signal before the model loaded
  assert.equal(l.to('running'), false); // a model that loads during the drain does not restart it
  assert.equal(l.to('draining'), false);
  assert.equal(l.state, 'draining');
});

test('reached() resolves now or on the move', async () => {
  const l = new Lifecycle();
  await l.reached('starting');
  const stopped = l.reached('stopped');
  l.to('draining');
  l.to('stopped');
  await stopped;
  assert.equal(l.state, 'stopped');
});
