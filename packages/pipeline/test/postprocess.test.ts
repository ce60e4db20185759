import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { toRgb8 } from '../src/postprocess';
import { encodeImage } from '../src/encode-image';

describe('toRgb8', () => {
  test('truncates, never rounds: (x+1)/2*255', () => {
    // One pixel per channel value; a 2x2 image holds 4 values per channel.
    const r = [0.999, 0, 1, -1]; // 254.87 -> 254; 127.5 -> 127; 255; 0
    const g = [2, -3, -0.999, 0.5]; // clamped 255; clamped 0; 0.1275 -> 0; 191.25 -> 191
    const b = [NaN, 0.00393, -0.00393, 0.9922]; // NaN -> 0; 128.0011 -> 128; 126.998 -> 126; 254.005 -> 254
    const out = toRgb8(Float32Array.from([...r, ...g, ...b]), 2);
    assert.equal(out.width, 2);
    assert.deepEqual([...out.data], [254, 255, 0, 127, 0, 128, 255, 0, 126, 0, 191, 254]);
  });

  test('CHW in, HWC out', () => {
    const out = toRgb8(Float32Array.from([-1, 1, 0.5]), 1);
    assert.deepEqual([...out.data], [0, 255, 191]);
    assert.throws(() => toRgb8(new Float32Array(5), 1));
  });
});

describe('encodeImage', () => {
  const img = { data: Uint8Array.from({ length: 4 * 3 * 3 }, (_, i) => (i * 37) % 256), width: 4, height: 3 };

  test('png is lossless', async () => {
    const bytes = await encodeImage(img, 'png');
    const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    assert.equal(info.format, 'raw');
    assert.deepEqual([info.width, info.height, info.channels], [4, 3, 3]);
    assert.deepEqual([...data], [...img.data]);
  });

  for (const format of ['webp', 'jpeg'] as const) {
    test(`${format} has the right container and size`, async () => {
      const meta = await sharp(await encodeImage(img, format)).metadata();
      assert.equal(meta.format, format);
      assert.deepEqual([meta.width, meta.height], [4, 3]);
    });
  }
});
