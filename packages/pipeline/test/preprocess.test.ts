import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { premultiply, unpremultiply, whiten } from '../src/alpha';
import { resizeBicubic } from '../src/bicubic';
import { resizeNearest } from '../src/nearest';
import { decodeImage, preprocess, resizeLikePillow, toModelInput } from '../src/preprocess';

function png(data: number[], width: number, height: number, channels: 1 | 2 | 3 | 4): Promise<Buffer> {
  return sharp(Buffer.from(data), { raw: { width, height, channels } }).png().toBuffer();
}

describe('alpha (Pillow RGBa round trip, reference whitening)', () => {
  test('whiten: (1 - a)*255 + a*v truncated', () => {
    // A=100: 155 + 100/255*v for v = 10, 20, 30 -> 158.92, 162.84, 166.76 -> 158, 162, 166.
    // A=0 -> 255 whatever v. A=255 -> v. A=51 (a=0.2), v=0 -> 204.
    const rgba = Uint8Array.from([10, 20, 30, 100, 200, 100, 50, 0, 1, 2, 3, 255, 0, 0, 0, 51]);
    assert.deepEqual([...whiten(rgba)], [158, 162, 166, 255, 255, 255, 1, 2, 3, 204, 204, 204]);
    // Fully opaque: alpha dropped, nothing blended.
    assert.deepEqual([...whiten(Uint8Array.from([9, 8, 7, 255]))], [9, 8, 7]);
  });

  test('premultiply: MULDIV255 rounds c*a/255 to nearest', () => {
    // 200*128/255 = 100.39 -> 100; 255*255/255 = 255; 1*128/255 = 0.502 -> 1; 3*85/255 = 1.0 -> 1.
    assert.deepEqual([...premultiply(Uint8Array.from([200, 255, 1, 128, 3, 0, 0, 85]))], [100, 128, 1, 128, 1, 0, 0, 85]);
  });

  test('unpremultiply: floor(255*c/a) clipped, alpha 0 and 255 copied', () => {
    // 255*100/128 = 199.2 -> 199; 255*200/128 = 398 -> 255; a=0 copies 7.
    assert.deepEqual([...unpremultiply(Uint8Array.from([100, 200, 0, 128, 7, 7, 7, 0]))], [199, 255, 0, 128, 7, 7, 7, 0]);
  });
});

describe('resizeNearest (Pillow NEAREST)', () => {
  test('hand-derived indices', () => {
    // 2 -> 4: positions 0.25, 0.75, 1.25, 1.75 -> 0, 0, 1, 1. 3 -> 2: 0.75, 2.25 -> 0, 2. 4 -> 3: 0.67, 2, 3.33 -> 0, 2, 3.
    assert.deepEqual([...resizeNearest(Uint8Array.from([5, 6]), 2, 1, 1, 4, 1)], [5, 5, 6, 6]);
    assert.deepEqual([...resizeNearest(Uint8Array.from([5, 6, 7]), 3, 1, 1, 2, 1)], [5, 7]);
    assert.deepEqual([...resizeNearest(Uint8Array.from([5, 6, 7, 8]), 1, 4, 1, 1, 3)], [5, 7, 8]);
  });
});

describe('preprocess', () => {
  test('RGBA is resized premultiplied, then whitened (hand-derived 2x1 -> 1x1)', () => {
    // Premultiplied: (200,0,0,255), (0,0,0,0). The 2 -> 1 kernel weighs both 1/2: (100.5 -> 100, 0, 0, 127.5 -> 128).
    // Unpremultiply: 255*100/128 = 199.2 -> 199. Whiten with a = 128/255: 127 + 99.89 = 226.89 -> 226; 127; 127.
    // (Whitening first would give (228, 128, 128).)
    const img = { data: Uint8Array.from([200, 0, 0, 255, 0, 0, 200, 0]), width: 2, height: 1, channels: 4 as const, indexed: false };
    assert.deepEqual([...resizeLikePillow(img, 1).data], [226, 127, 127]);
  });

  test('RGBA resize matches Pillow 12.3 (RGBA -> RGBa -> BICUBIC -> RGBA), 3x2 -> 5x5', () => {
    // Golden values from Pillow itself, recorded once outside this repo.
    const src = [206, 114, 198, 0, 3, 159, 81, 255, 35, 243, 80, 90, 194, 204, 215, 255, 32, 43, 13, 17, 53, 28, 110, 200];
    const pillow = [0, 0, 0, 0, 0, 147, 59, 90, 3, 174, 89, 255, 12, 204, 78, 162, 39, 255, 66, 65, 210, 210, 225, 17, 22, 161, 95, 101, 3, 158, 81, 239, 16, 181, 81, 157, 43, 222, 82, 87, 207, 219, 231, 128, 123, 188, 164, 130, 5, 151, 76, 136, 25, 113, 87, 142, 50, 90, 101, 146, 207, 219, 231, 238, 187, 205, 206, 159, 15, 100, 46, 33, 36, 26, 94, 127, 53, 33, 109, 205, 229, 241, 254, 255, 205, 210, 219, 170, 2, 0, 0, 0, 41, 0, 98, 122, 53, 19, 111, 227];
    assert.deepEqual([...unpremultiply(resizeBicubic(premultiply(Uint8Array.from(src)), 3, 2, 4, 5, 5))], pillow);
  });

  test('an opaque alpha channel is dropped; grey becomes RGB', async () => {
    const a = await decodeImage(await png([1, 2, 3, 255, 4, 5, 6, 255], 2, 1, 4));
    assert.equal(a.channels, 3);
    assert.deepEqual([...a.data], [1, 2, 3, 4, 5, 6]);
    const g = await decodeImage(await png([7, 9], 2, 1, 1));
    assert.deepEqual([...g.data], [7, 7, 7, 9, 9, 9]);
    const ga = await decodeImage(await png([7, 0, 9, 255], 2, 1, 2));
    assert.deepEqual([ga.channels, ...ga.data], [4, 7, 7, 7, 0, 9, 9, 9, 255]);
  });

  test('palette images are resized by nearest neighbour, as Pillow does', async () => {
    const data: number[] = [];
    for (let i = 0; i < 4; i++) data.push(...[[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]][i]);
    const pal = await sharp(Buffer.from(data), { raw: { width: 2, height: 2, channels: 3 } }).png({ palette: true }).toBuffer();
    const img = await decodeImage(pal);
    assert.equal(img.indexed, true);
    const out = await preprocess(pal, 4);
    assert.deepEqual(out.source, { width: 2, height: 2, hasAlpha: false, indexed: true });
    // Each source pixel becomes a 2x2 block with its exact colour (bicubic would blend).
    const px = (x: number, y: number) => [...out.lq.data.subarray((y * 4 + x) * 3, (y * 4 + x) * 3 + 3)];
    assert.deepEqual(px(1, 1), [255, 0, 0]);
    assert.deepEqual(px(2, 1), [0, 255, 0]);
    assert.deepEqual(px(1, 2), [0, 0, 255]);
    assert.deepEqual(px(3, 3), [255, 255, 255]);
  });

  test('normalisation x/255*2-1 in CHW order', () => {
    const chw = toModelInput({ data: Uint8Array.from([0, 128, 255, 51, 102, 204]), width: 2, height: 1 });
    const f = (x: number) => Math.fround((x / 255) * 2 - 1);
    assert.deepEqual([...chw], [f(0), f(51), f(128), f(102), f(255), f(204)]);
    assert.equal(chw[0], -1);
    assert.equal(chw[4], 1);
  });

  test('resizes to a square of the given size, aspect not kept', async () => {
    const data: number[] = [];
    for (let i = 0; i < 6 * 3; i++) data.push(100, 150, 200);
    const out = await preprocess(await png(data, 6, 3, 3), 8);
    assert.equal(out.lq.width, 8);
    assert.equal(out.lq.height, 8);
    assert.equal(out.pixels.length, 3 * 64);
    assert.deepEqual(out.source, { width: 6, height: 3, hasAlpha: false, indexed: false });
    // A constant image stays constant through the bicubic resize.
    assert.ok(out.lq.data.every((v, i) => v === [100, 150, 200][i % 3]));
    assert.equal(out.pixels[64], Math.fround((150 / 255) * 2 - 1));
  });

  test('undecodable input is a non-retryable error', async () => {
    await assert.rejects(preprocess(Uint8Array.from([1, 2, 3]), 8), { name: 'NonRetryableError', code: 'input_unreadable' });
  });
});
