/**
 * ONNX Runtime fp32 logits of the tiny packages against the independent float64 reference.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadModelPackage } from '../src/load-model-package';
import { OrtSession } from '../src/session';
import { ensureTinyPackage } from '../src/tiny/ensure-tiny-package';
import { seededDecoderWeights } from '../src/tiny/seeded-decoder-weights';
import { tinySpec } from '../src/tiny/tiny-specs';
import { maxRelError, range, runDecoder, testIds } from './decoder-harness';
import { referenceLastLogits } from './reference/decoder-f64';

for (const name of ['tiny', 'tiny-pure-vocab'] as const) {
  describe(`decoder ${name} vs float64 reference`, () => {
    test('last-position logits agree to 1e-4 relative, at offset positions too', async () => {
      const pkg = await loadModelPackage(await ensureTinyPackage(name));
      const d = pkg.manifest.decoder;
      const W = seededDecoderWeights(tinySpec(name).seed);
      const s = await OrtSession.create(pkg.paths.decoder);
      try {
        const cases = [
          { ids: testIds(9, d.vocabSize, 1), start: 0 },
          // high ids (PURE's 65536+ image span in tiny-pure-vocab) and positions far from 0
          { ids: [...testIds(5, d.vocabSize, 2), d.vocabSize - 1, 4], start: 3000 },
        ];
        for (const c of cases) {
          const pos = range(c.ids.length, c.start);
          const run = await runDecoder(s, d, [c.ids], [pos], [c.ids.map(() => 1)]);
          assert.equal(run.logits.length, d.vocabSize, 'logits are [1,1,V]');
          const ref = referenceLastLogits({ ...d, qkNorm: d.qkNorm === 'layernorm-shared' }, W, c.ids, pos);
          const err = maxRelError(run.logits, ref);
          assert.ok(err < 1e-4, `max relative error ${err}`);
        }
      } finally {
        await s.dispose();
      }
    });
  });
}
