import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParamsInput, RestoreParams, DEFAULT_PARAMS } from '@pure/contracts/params';

test('an empty params object takes the reference defaults', () => {
  const p = ParamsInput.parse({});
  assert.deepEqual({ ...p }, { ...DEFAULT_PARAMS });
  assert.equal(p.cfg, 0.8);
  assert.equal(p.temperature, 0.9);
  assert.equal(p.kMin, 1);
  assert.equal(p.kMax, 2000);
  assert.equal(p.mu, 5);
  assert.equal(p.textTopK, 1);
});

test('bad params are refused naming the field', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ kMin: 10, kMax: 5 }, 'kMin'],
    [{ temperature: 0 }, 'temperature'],
    [{ cfg: -0.1 }, 'cfg'],
    [{ kMax: 0 }, 'kMax'],
    [{ seed: -1 }, 'seed'],
    [{ output: 'gif' }, 'output'],
    [{ colour: true }, ''],
  ];
  for (const [input, field] of cases) {
    const r = ParamsInput.safeParse(input);
    assert.equal(r.success, false, JSON.stringify(input));
    if (field) assert.ok(r.error.issues.some((i) => i.path[0] === field), `${JSON.stringify(input)} names ${field}`);
  }
});

test('job params require a seed', () => {
  assert.equal(RestoreParams.safeParse({ ...DEFAULT_PARAMS }).success, false);
  assert.equal(RestoreParams.safeParse({ ...DEFAULT_PARAMS, seed: 7 }).success, true);
});

test('a batch item may raise kMin past the default kMax when the batch raised kMax', async () => {
  const { CreateBatchRequest } = await import('@pure/contracts/job');
  const req = CreateBatchRequest.parse({ items: [{ input: { base64: 'AA==' }, params: { kMin: 3000 } }], params: { kMax: 4000 } });
  assert.deepEqual(req.items[0].params, { kMin: 3000 });
  const merged = ParamsInput.parse({ ...req.params, ...req.items[0].params });
  assert.equal(merged.kMin, 3000);
  assert.equal(merged.kMax, 4000);
  assert.equal(CreateBatchRequest.safeParse({ items: [{ input: { base64: 'AA==' }, params: { kMin: 9, kMax: 3 } }] }).success, false);
});
