import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobView } from '@pure/contracts/job';
import { formatEta, JobEta } from '../src/progress/job-eta';
import { jobLine } from '../src/progress/job-line';

function job(over: Partial<JobView>): JobView {
  return {
    id: 'j_1', object: 'job', status: 'running', batchId: null, createdAt: '2026-01-01T00:00:00.000Z', startedAt: null, finishedAt: null,
    attempts: 1, progress: null, eta: null, metadata: null, result: null, error: null,
    params: { seed: 1, cfg: 0.8, temperature: 0.9, kMin: 1, kMax: 2000, mu: 5, textTopK: 1, colorFix: true, output: 'png' },
    ...over,
  };
}

describe('progress lines and ETA', () => {
  test('ETA extrapolates the rate seen since the phase was first seen; a new phase starts over', () => {
    const eta = new JobEta();
    assert.equal(eta.eta(job({ progress: { phase: 'image', done: 0, total: 64 } }), 0), null);
    // 16 tokens in 2 s: 48 left take 6 s
    assert.equal(eta.eta(job({ progress: { phase: 'image', done: 16, total: 64 } }), 2000), 6);
    assert.equal(eta.eta(job({ progress: { phase: 'upload', done: 0, total: 1 } }), 3000), null);
    assert.equal(eta.eta(job({ eta: 42, progress: { phase: 'image', done: 1, total: 64 } }), 3000), 42, "the api's own eta wins");
    assert.equal(eta.eta(job({ status: 'succeeded', finishedAt: '2026-01-01T00:00:09.000Z' }), 3000), 0);
  });

  test('formatEta', () => {
    assert.deepEqual([formatEta(null), formatEta(6.2), formatEta(65), formatEta(3720)], ['-', '7s', '1m05s', '1h02m']);
  });

  test('tokens are shown in the token phases; decode and upload keep the bar full', () => {
    assert.deepEqual(jobLine(job({ status: 'queued' }), null), { state: 'queued', done: 0, total: 0, detail: '', eta: '-' });
    assert.deepEqual(jobLine(job({ progress: { phase: 'text', done: 3, total: 256 } }), null).detail, '3/256 text tokens');
    assert.deepEqual(jobLine(job({ progress: { phase: 'image', done: 40, total: 64 } }), 12), { state: 'image', done: 40, total: 64, detail: '40/64 tokens', eta: '12s' });
    assert.deepEqual(jobLine(job({ progress: { phase: 'upload', done: 0, total: 1 } }), null), { state: 'upload', done: 1, total: 1, detail: '', eta: '-' });
    const failed = jobLine(job({ status: 'failed', error: { code: 'model_error', message: 'x' } }), null);
    assert.deepEqual([failed.state, failed.detail], ['failed', 'model_error']);
  });
});
