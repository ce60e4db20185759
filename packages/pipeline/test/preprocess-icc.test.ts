import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { decodeImage } from '../src/preprocess';

/** PNG chunks as [type, data]; enough to move an iCCP chunk between files. */
function chunks(png: Buffer): Array<{ type: string; raw: Buffer }> {
  const out: Array<{ type: string; raw: Buffer }> = [];
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at);
    out.push({ type: png.toString('latin1', at + 4, at + 8), raw: png.subarray(at, at + 12 + len) });
    at += 12 + len;
  }
  return out;
}

test('an embedded colour profile is ignored, as Pillow does: the stored values reach the model', async () => {
  const w = 8, h = 8;
  const pixels = Buffer.alloc(w * h * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37) % 256;
  const plain = await sharp(pixels, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
  const tagged = await sharp(pixels, { raw: { width: w, height: h, channels: 3 } }).withIccProfile('p3').png().toBuffer();
  const iccp = chunks(tagged).find((c) => c.type === 'iCCP');
  assert.ok(iccp, 'sharp wrote a Display P3 profile');
  // Same stored pixels as `plain`, plus the P3 profile right after IHDR.
  const [ihdr, ...rest] = chunks(plain);
  const withProfile = Buffer.concat([plain.subarray(0, 8), ihdr.raw, iccp.raw, ...rest.map((c) => c.raw)]);

  const decoded = await decodeImage(withProfile);
  assert.equal(decoded.channels, 3);
  assert.deepEqual(Buffer.from(decoded.data), pixels);
});
