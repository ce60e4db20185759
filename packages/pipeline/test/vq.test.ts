import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTinyPackage } from '@pure/model/tiny/ensure-tiny-package';
import { loadModelPackage } from '@pure/model/load-model-package';
import { gridOf } from '@pure/model/manifest';
import { VqCodec } from '../src/vq';

function pixels(size: number): Float32Array {
  return Float32Array.from({ length: 3 * size * size }, (_, i) => Math.sin(i / 7) * 0.9);
}

describe('VqCodec on the tiny package', () => {
  let codec: VqCodec;
  let half: VqCodec;
  let size: number;
  let grid: number;
  let codebook: number;

  before(async () => {
    const pkg = await loadModelPackage(await ensureTinyPackage('tiny'));
    size = pkg.manifest.image.size;
    grid = gridOf(pkg.manifest);
    codebook = pkg.manifest.vq.codebookSize;
    codec = await VqCodec.create(pkg, { threads: 1 });
    half = await VqCodec.create(await loadModelPackage(await ensureTinyPackage('tiny', undefined, { dtype: 'float16' })), { threads: 1 });
  });
  after(async () => {
    await codec?.dispose();
    await half?.dispose();
  });

  test('encode: grid*grid codes in the codebook, deterministic', async () => {
    const codes = await codec.encode(pixels(size));
    assert.equal(codes.length, grid * grid);
    assert.ok(codes.every((c) => c >= 0 && c < codebook));
    assert.deepEqual(await codec.encode(pixels(size)), codes);
    // A different image gives different codes (the graph looks at its input).
    assert.notDeepEqual(await codec.encode(pixels(size).map((v) => -v)), codes);
  });

  test('decode: 3 x size x size floats, unclamped, deterministic', async () => {
    const codes = Int32Array.from({ length: grid * grid }, (_, i) => (i * 37) % codebook);
    const img = await codec.decode(codes);
    assert.equal(img.length, 3 * size * size);
    assert.ok(img.every(Number.isFinite));
    assert.deepEqual(await codec.decode(codes), img);
  });

  test('an fp16 package takes and returns float32 and stays close to fp32', async () => {
    const codes = Int32Array.from({ length: grid * grid }, (_, i) => (i * 11) % codebook);
    const a = await codec.decode(codes);
    const b = await half.decode(codes);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    assert.ok(worst < 0.05, `max |fp32 - fp16| = ${worst}`);
    assert.equal((await half.encode(pixels(size))).length, grid * grid);
  });

  test('wrong sizes and codes are refused', async () => {
    await assert.rejects(codec.encode(new Float32Array(5)));
    await assert.rejects(codec.decode(new Int32Array(grid * grid - 1)));
    await assert.rejects(codec.decode(new Int32Array(grid * grid).fill(codebook)));
  });
});
