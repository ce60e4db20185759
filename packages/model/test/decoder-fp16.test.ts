/**
 * The fp16 tiny package (fp16 weights and KV cache, float32 logits) runs on the CPU provider and stays
 * close to the fp32 package.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadModelPackage } from '../src/load-model-package';
import { OrtSession } from '../src/session';
import { ensureTinyPackage } from '../src/tiny/ensure-tiny-package';
import { maxRelError, range, runDecoder, testIds } from './decoder-harness';

test('fp16 tiny package runs on CPU with float16 KV and float32 logits', async () => {
  const half = await loadModelPackage(await ensureTinyPackage('tiny', undefined, { dtype: 'float16' }));
  const full = await loadModelPackage(await ensureTinyPackage('tiny'));
  assert.equal(half.manifest.decoder.dtype, 'float16');
  const d = half.manifest.decoder;
  const s16 = await OrtSession.create(half.paths.decoder);
  const s32 = await OrtSession.create(full.paths.decoder);
  try {
    const ids = testIds(6, d.vocabSize, 7);
    const r16 = await runDecoder(s16, d, [ids], [range(6)], [ids.map(() => 1)]);
    assert.equal(r16.present['present.0.key'].type, 'float16');
    assert.ok(r16.logits instanceof Float32Array);
    const step = await runDecoder(s16, d, [[5]], [[6]], [[...ids.map(() => 1), 1]], r16.present);
    const r32 = await runDecoder(s32, full.manifest.decoder, [[...ids, 5]], [range(7)], [range(7).map(() => 1)]);
    const err = maxRelError(step.logits, r32.logits);
    assert.ok(err < 2e-2, `fp16 vs fp32 relative error ${err}`);
  } finally {
    await s16.dispose();
    await s32.dispose();
  }
});
