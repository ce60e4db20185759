import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { ensureTinyPackage } from '@pure/model/tiny/ensure-tiny-package';
import { loadModelPackage } from '@pure/model/load-model-package';
import { colorFix } from '../src/color-fix';
import { finishImage } from '../src/finish-image';
import { toRgb8 } from '../src/postprocess';
import { preprocess } from '../src/preprocess';
import { VqCodec } from '../src/vq';

// The image half of restore() without generation: preprocess -> VQ encode -> VQ decode -> uint8 ->
// colour fix -> encode, on the tiny package.
describe('image side on the tiny package', () => {
  let codec: VqCodec;
  let size: number;
  let input: Buffer;

  before(async () => {
    const pkg = await loadModelPackage(await ensureTinyPackage('tiny'));
    size = pkg.manifest.image.size;
    codec = await VqCodec.create(pkg, { threads: 1 });
    const raw = Buffer.from(Array.from({ length: 20 * 12 * 3 }, (_, i) => (i * 29) % 256));
    input = await sharp(raw, { raw: { width: 20, height: 12, channels: 3 } }).png().toBuffer();
  });
  after(async () => codec?.dispose());

  test('round trip gives an image of the package size in each format', async () => {
    const pre = await preprocess(input, size);
    const codes = await codec.encode(pre.pixels);
    for (const output of ['png', 'webp', 'jpeg'] as const) {
      const done = await finishImage(codec, codes, pre.lq, { colorFix: true, output });
      const meta = await sharp(done.bytes).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], [output, size, size]);
      assert.ok(done.timings.decode >= 0 && done.timings.colorFix >= 0);
    }
  });

  test('colorFix on: the fixed decode; off: the plain truncated decode', async () => {
    const pre = await preprocess(input, size);
    const codes = await codec.encode(pre.pixels);
    const plain = toRgb8(await codec.decode(codes), size);
    const off = await finishImage(codec, codes, pre.lq, { colorFix: false, output: 'png' });
    const on = await finishImage(codec, codes, pre.lq, { colorFix: true, output: 'png' });
    assert.deepEqual(off.rgb.data, plain.data);
    assert.equal(off.timings.colorFix, 0);
    assert.deepEqual(on.rgb.data, colorFix(plain, pre.lq).data);
    const png = await sharp(on.bytes).raw().toBuffer();
    assert.deepEqual(new Uint8Array(png), on.rgb.data);
  });
});
