import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseParams } from '../src/parse-params';
import { UsageError } from '../src/usage-error';

describe('parseParams (--param k=v)', () => {
  test('numbers, booleans and strings, only the fields given', () => {
    assert.deepEqual(parseParams(['seed=7', 'cfg=1.5', 'colorFix=false', 'output=webp', 'mu=1e1']), { seed: 7, cfg: 1.5, colorFix: false, output: 'webp', mu: 10 });
    assert.deepEqual(parseParams([]), {});
  });

  test('malformed pairs and values the api refuses are usage errors naming them', () => {
    assert.throws(() => parseParams(['cfg']), (e: unknown) => e instanceof UsageError && /expected name=value/.test(e.message));
    assert.throws(() => parseParams(['=3']), UsageError);
    assert.throws(() => parseParams(['temperature=0']), (e: unknown) => e instanceof UsageError && /temperature/.test(e.message));
    assert.throws(() => parseParams(['kMin=10', 'kMax=5']), (e: unknown) => e instanceof UsageError && /kMin \(10\) must be <= kMax \(5\)/.test(e.message));
    assert.throws(() => parseParams(['steps=3']), (e: unknown) => e instanceof UsageError && /steps/.test(e.message));
    assert.throws(() => parseParams(['output=gif']), UsageError);
  });
});
