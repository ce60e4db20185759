import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { DEFAULT_PARAMS, type RestoreParams } from '@pure/contracts/params';
import { ensureTinyPackage } from '@pure/model/tiny/ensure-tiny-package';
import { loadModelPackage } from '@pure/model/load-model-package';
import { gridOf } from '@pure/model/manifest';
import type { GenerationCheckpoint } from '../src/checkpoint';
import { decodeEntropyLog } from '../src/entropy-artifacts';
import { createRestorer, type RestoreProgress, type RestoreResult, type Restorer } from '../src/restore';

const params: RestoreParams = { ...DEFAULT_PARAMS, seed: 1234 };

async function inputImage(): Promise<Buffer> {
  const raw = Buffer.from(Array.from({ length: 24 * 16 * 3 }, (_, i) => (i * 13 + (i % 7) * 40) % 256));
  return sharp(raw, { raw: { width: 24, height: 16, channels: 3 } }).png().toBuffer();
}

describe('restore() end to end on the tiny package (CPU)', () => {
  let restorer: Restorer;
  let input: Buffer;
  let grid: number;
  let size: number;
  let first: RestoreResult;
  const checkpoints: GenerationCheckpoint[] = [];
  const progress: RestoreProgress[] = [];

  before(async () => {
    const pkg = await loadModelPackage(await ensureTinyPackage('tiny'));
    grid = gridOf(pkg.manifest);
    size = pkg.manifest.image.size;
    restorer = await createRestorer(pkg, { threads: 1 });
    input = await inputImage();
    first = await restorer.restore(input, params, {
      onCheckpoint: (c) => void checkpoints.push(structuredClone(c)),
      onProgress: (p) => void progress.push(p),
    });
  });
  after(async () => restorer?.dispose());

  test('an image of the package size, a text part, grid*grid entropy records', async () => {
    const meta = await sharp(first.image).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', size, size]);
    assert.deepEqual([first.width, first.height, first.format], [size, size, 'png']);
    assert.equal(typeof first.text.raw, 'string');
    assert.equal(typeof first.text.degradation, 'string');
    assert.equal(typeof first.text.caption, 'string');
    assert.equal(first.tokens.image, grid * grid);
    assert.equal(first.tokens.resumed, 0);
    assert.equal(decodeEntropyLog(first.entropy.log).length, grid * grid);
    assert.equal(first.entropy.summary.count, grid * grid);
    assert.equal(first.entropy.summary.rowMeans.length, grid);
    const heat = await sharp(first.entropy.heatmap).metadata();
    assert.deepEqual([heat.width, heat.height], [size, size]);
    for (const k of ['preprocess', 'encode', 'generate', 'decode', 'colorFix', 'total'] as const) assert.ok(first.timings[k] >= 0, k);
  });

  test('progress runs through the phases in order; one checkpoint per row', () => {
    const phases = progress.map((p) => p.phase).filter((p, i, a) => p !== a[i - 1]);
    assert.deepEqual(phases, ['preprocess', 'text', 'image', 'decode']);
    const image = progress.filter((p) => p.phase === 'image');
    assert.deepEqual(image.at(-1), { phase: 'image', done: grid * grid, total: grid * grid });
    assert.equal(checkpoints.length, grid);
  });

  test('the same seed gives identical bytes', async () => {
    const again = await restorer.restore(input, params);
    assert.deepEqual(again.image, first.image);
    assert.deepEqual(again.entropy.log, first.entropy.log);
    assert.deepEqual(again.text, first.text);
  });

  test('resuming from a mid-image checkpoint gives identical bytes', async () => {
    const mid = checkpoints[grid / 2 - 1];
    assert.equal(mid.entropies.length, (grid / 2) * grid);
    const resumed = await restorer.restore(input, params, { checkpoint: mid });
    assert.equal(resumed.tokens.resumed, mid.counter);
    assert.ok(resumed.tokens.resumed > 0);
    assert.deepEqual(resumed.image, first.image);
    assert.deepEqual(resumed.text, first.text);
    // Same k everywhere; entropies after the resume point come from a one-shot prefill of the caches, whose
    // float sums differ from the step-by-step ones in the last bits.
    const a = decodeEntropyLog(first.entropy.log);
    const b = decodeEntropyLog(resumed.entropy.log);
    assert.deepEqual(b.map((r) => r.k), a.map((r) => r.k));
    a.forEach((r, i) => assert.ok(Math.abs(r.entropy - b[i].entropy) < 1e-4, `entropy ${i}: ${r.entropy} vs ${b[i].entropy}`));
  });

  test('an abort stops within one step', async () => {
    const ac = new AbortController();
    let afterAbort = 0;
    let seen = 0;
    await assert.rejects(
      restorer.restore(input, params, {
        signal: ac.signal,
        onToken: () => {
          if (ac.signal.aborted) afterAbort++;
          else if (++seen === 5) ac.abort();
        },
      }),
      { name: 'AbortError' },
    );
    assert.equal(afterAbort, 0);
    // An already-aborted signal stops before any work.
    await assert.rejects(restorer.restore(input, params, { signal: AbortSignal.abort() }), { name: 'AbortError' });
  });
});

describe('restore() on the PURE-vocab tiny package', () => {
  test('webp output, no colour fix, cfg 1 (no unguided branch): right size and record count', async () => {
    const pkg = await loadModelPackage(await ensureTinyPackage('tiny-pure-vocab'));
    const restorer = await createRestorer(pkg, { threads: 1 });
    try {
      const grid = gridOf(pkg.manifest);
      const res = await restorer.restore(await inputImage(), { ...params, cfg: 1, colorFix: false, output: 'webp' });
      const meta = await sharp(res.image).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['webp', pkg.manifest.image.size, pkg.manifest.image.size]);
      assert.equal(res.timings.colorFix, 0);
      assert.equal(res.entropy.summary.count, grid * grid);
    } finally {
      await restorer.dispose();
    }
  });
});
