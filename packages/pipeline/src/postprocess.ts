/**
 * VQ decoder output to pixels, as the reference does it in float32: clamp to [-1, 1], `(x+1)/2`, `*255`,
 * then a uint8 cast that TRUNCATES (numpy `astype(uint8)`), CHW -> HWC.
 */
import type { RgbImage } from './preprocess';

/** Converts a [3, size, size] float32 image in [-1, 1] to 8-bit RGB, truncating like the reference. */
export function toRgb8(chw: Float32Array, size: number): RgbImage {
  const n = size * size;
  if (chw.length !== 3 * n) throw new Error(`toRgb8: ${chw.length} values is not 3x${size}x${size}`);
  const out = new Uint8Array(3 * n);
  const f = Math.fround;
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < n; i++) {
      const x = chw[c * n + i];
      // NaN compares false both ways and lands on 0, where numpy's cast is undefined.
      const clamped = x > 1 ? 1 : x >= -1 ? x : -1;
      // Each step rounded to float32, as torch and numpy compute it.
      const v = f(f(f(clamped + 1) / 2) * 255);
      out[i * 3 + c] = v > 0 ? Math.trunc(v) : 0;
    }
  }
  return { data: out, width: size, height: size };
}
