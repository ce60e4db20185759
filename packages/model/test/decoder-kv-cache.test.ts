/**
 * KV cache and batching: prefill then single steps equals full-sequence forwards, and LEFT-padded rows of
 * different lengths in one batch give each row's logits as if it ran alone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadModelPackage, type LoadedModelPackage } from '../src/load-model-package';
import { OrtSession } from '../src/session';
import { ensureTinyPackage } from '../src/tiny/ensure-tiny-package';
import { maxRelError, range, runDecoder, testIds } from './decoder-harness';

describe('decoder KV cache and padding (tiny)', () => {
  let pkg: LoadedModelPackage;
  let s: OrtSession;
  before(async () => {
    pkg = await loadModelPackage(await ensureTinyPackage('tiny'));
    s = await OrtSession.create(pkg.paths.decoder);
  });
  after(() => s.dispose());

  test('prefill N, then one token at a time, equals a full forward at every step (1e-5)', async () => {
    const d = pkg.manifest.decoder;
    const ids = testIds(12, d.vocabSize, 3);
    const N = 5;
    let run = await runDecoder(s, d, [ids.slice(0, N)], [range(N)], [ids.slice(0, N).map(() => 1)]);
    assert.deepEqual(run.present['present.0.key'].dims, [1, d.kvHeads, N, d.headDim]);
    for (let t = N; t < ids.length; t++) {
      run = await runDecoder(s, d, [[ids[t]]], [[t]], [range(t + 1).map(() => 1)], run.present);
      assert.deepEqual(run.present[`present.${d.layers - 1}.value`].dims, [1, d.kvHeads, t + 1, d.headDim]);
      const full = await runDecoder(s, d, [ids.slice(0, t + 1)], [range(t + 1)], [range(t + 1).map(() => 1)]);
      const err = maxRelError(run.logits, full.logits);
      assert.ok(err < 1e-5, `step ${t}: relative error ${err}`);
    }
  });

  test('a multi-token chunk on top of a cache equals a full forward (causal inside the chunk)', async () => {
    const d = pkg.manifest.decoder;
    const ids = testIds(9, d.vocabSize, 6);
    const pre = await runDecoder(s, d, [ids.slice(0, 6)], [range(6)], [range(6).map(() => 1)]);
    const chunk = await runDecoder(s, d, [ids.slice(6)], [range(3, 6)], [range(9).map(() => 1)], pre.present);
    const full = await runDecoder(s, d, [ids], [range(9)], [range(9).map(() => 1)]);
    assert.ok(maxRelError(chunk.logits, full.logits) < 1e-5);
    // the cache after the chunk equals the cache of the full forward
    const a = chunk.present['present.1.key'].data as Float32Array;
    const b = full.present['present.1.key'].data as Float32Array;
    assert.ok(maxRelError(a, b) < 1e-5);
  });

  test('a batch of two LEFT-padded rows of different lengths matches each row alone, prefill and step', async () => {
    const d = pkg.manifest.decoder;
    const V = d.vocabSize;
    const a = testIds(7, V, 4);
    const b = testIds(4, V, 5);
    const pad = a.length - b.length;
    const ids = [a, [...Array(pad).fill(1), ...b]];
    // padded slots get position 0, as HF's cumsum(mask) - 1 clamped does; they are masked anyway
    const pos = [range(a.length), [...Array(pad).fill(0), ...range(b.length)]];
    const mask = [a.map(() => 1), [...Array(pad).fill(0), ...b.map(() => 1)]];
    const batch = await runDecoder(s, d, ids, pos, mask);
    const aloneA = await runDecoder(s, d, [a], [range(a.length)], [a.map(() => 1)]);
    const aloneB = await runDecoder(s, d, [b], [range(b.length)], [b.map(() => 1)]);
    assert.ok(maxRelError(batch.logits.subarray(0, V), aloneA.logits) < 1e-5, 'row A');
    assert.ok(maxRelError(batch.logits.subarray(V), aloneB.logits) < 1e-5, 'row B');

    // one more token per row through the shared, padded cache
    const next = [17, 23];
    const step = await runDecoder(s, d, [[next[0]], [next[1]]], [[a.length], [b.length]], [[...mask[0], 1], [...mask[1], 1]], batch.present);
    const stepA = await runDecoder(s, d, [[next[0]]], [[a.length]], [[...a.map(() => 1), 1]], aloneA.present);
    const stepB = await runDecoder(s, d, [[next[1]]], [[b.length]], [[...b.map(() => 1), 1]], aloneB.present);
    assert.ok(maxRelError(step.logits.subarray(0, V), stepA.logits) < 1e-5, 'row A step');
    assert.ok(maxRelError(step.logits.subarray(V), stepB.logits) < 1e-5, 'row B step');
    for (const x of step.logits) assert.ok(Number.isFinite(x), 'no NaN from fully masked padding rows');
  });
});
