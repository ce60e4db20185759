/**
 * The reference's wavelet colour fix (`wavelet_color_fix`, from StableSR): an à-trous decomposition in
 * 5 levels (radius 2^i, the 3x3 kernel [1,2,1]x[1,2,1]/16 dilated by the radius, replicate padding);
 * the result keeps the generated image's high frequencies and takes the low frequency from the bicubic LQ,
 * so the restored colours follow the input.
 */
import type { RgbImage } from './preprocess';

const LEVELS = 5;

/** One blur of a planar float32 image with the dilated kernel and replicate padding. */
function blur(src: Float32Array, w: number, h: number, radius: number): Float32Array {
  const out = new Float32Array(src.length);
  const planes = src.length / (w * h);
  // Replicate padding = clamping the tap index to the image.
  const left = new Int32Array(w);
  const right = new Int32Array(w);
  for (let x = 0; x < w; x++) {
    left[x] = Math.max(x - radius, 0);
    right[x] = Math.min(x + radius, w - 1);
  }
  for (let p = 0; p < planes; p++) {
    const base = p * w * h;
    for (let y = 0; y < h; y++) {
      const up = base + Math.max(y - radius, 0) * w;
      const mid = base + y * w;
      const down = base + Math.min(y + radius, h - 1) * w;
      for (let x = 0; x < w; x++) {
        const l = left[x];
        const r = right[x];
        out[mid + x] =
          0.0625 * src[up + l] + 0.125 * src[up + x] + 0.0625 * src[up + r] +
          0.125 * src[mid + l] + 0.25 * src[mid + x] + 0.125 * src[mid + r] +
          0.0625 * src[down + l] + 0.125 * src[down + x] + 0.0625 * src[down + r];
      }
    }
  }
  return out;
}

/** Splits a planar image into (sum of the high-frequency bands, final low frequency), as the reference does. */
export function waveletDecompose(img: Float32Array, w: number, h: number, withHigh = true): { high: Float32Array; low: Float32Array } {
  const high = new Float32Array(withHigh ? img.length : 0);
  let cur = img;
  for (let i = 0; i < LEVELS; i++) {
    const low = blur(cur, w, h, 2 ** i);
    for (let j = 0; j < high.length; j++) high[j] += cur[j] - low[j];
    cur = low;
  }
  return { high, low: cur };
}

/** HWC uint8 -> planar float32 in [0, 1] (torchvision ToTensor). */
function toPlanar(img: RgbImage): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[c * n + i] = img.data[i * 3 + c] / 255;
  return out;
}

/** The colour fix: high frequencies of `output`, low frequency of `lq`; clamp [0,1], *255 truncated. */
export function colorFix(output: RgbImage, lq: RgbImage): RgbImage {
  const { width: w, height: h } = output;
  if (lq.width !== w || lq.height !== h) throw new Error(`colorFix: output ${w}x${h} and LQ ${lq.width}x${lq.height} differ`);
  const { high } = waveletDecompose(toPlanar(output), w, h);
  const { low } = waveletDecompose(toPlanar(lq), w, h, false);
  const n = w * h;
  const data = new Uint8Array(3 * n);
  const f = Math.fround;
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < n; i++) {
      const v = f(high[c * n + i] + low[c * n + i]);
      const clamped = v > 1 ? 1 : v >= 0 ? v : 0;
      // torchvision ToPILImage: mul(255).byte() truncates.
      data[i * 3 + c] = Math.trunc(f(clamped * 255));
    }
  }
  return { data, width: w, height: h };
}
