/**
 * Pillow's BICUBIC resize (`Image.resize(size, Image.BICUBIC)` on 8-bit images), reproduced bit for bit:
 * the a = -0.5 cubic kernel, support widened by the scale factor when downscaling, coefficients normalised
 * per output pixel then fixed to 22 fractional bits, a horizontal pass then a vertical pass, each rounded
 * (half up) and clipped to uint8. The reference resizes its LQ input this way, so the VQ encoder and the
 * colour fix must see these exact pixels.
 */

/** Pillow's fixed-point precision for 8-bit resampling: 32 bits minus 8 for the value minus 2 for overflow. */
const PRECISION_BITS = 22;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);
const SUPPORT = 2;

/** The cubic convolution kernel with a = -0.5 (Keys), as Pillow evaluates it in float64. */
export function cubicKernel(x: number): number {
  const a = -0.5;
  if (x < 0) x = -x;
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

/** Per output index: the first input index, the tap count, and `ksize` fixed-point weights. */
export interface ResampleTable {
  first: Int32Array;
  count: Int32Array;
  ksize: number;
  weights: Int32Array;
}

/** Builds the coefficient table for one axis (`inSize` -> `outSize`), with Pillow's rounding at each step. */
export function resampleTable(inSize: number, outSize: number): ResampleTable {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = SUPPORT * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    // C's (int) cast truncates toward zero; the clamp to 0 makes the sign case moot.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let sum = 0;
    for (let x = 0; x < xmax; x++) {
      w[x] = cubicKernel((x + xmin - center + 0.5) / filterScale);
      sum += w[x];
    }
    for (let x = 0; x < xmax; x++) {
      const v = sum !== 0 ? w[x] / sum : w[x];
      // Round half away from zero, as Pillow's normalize_coeffs_8bpc does.
      weights[xx * ksize + x] = v < 0 ? Math.trunc(-0.5 + v * ONE) : Math.trunc(0.5 + v * ONE);
    }
    first[xx] = xmin;
    count[xx] = xmax;
  }
  return { first, count, ksize, weights };
}

function clip8(acc: number): number {
  const v = acc >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Horizontal pass over rows [row0, row0 + rows) of an interleaved image. */
function horizontal(src: Uint8Array, w: number, ch: number, row0: number, rows: number, t: ResampleTable): Uint8Array {
  const outW = t.first.length;
  const out = new Uint8Array(outW * rows * ch);
  for (let y = 0; y < rows; y++) {
    const rowBase = (y + row0) * w * ch;
    for (let xx = 0; xx < outW; xx++) {
      const k0 = xx * t.ksize;
      const n = t.count[xx];
      const base = rowBase + t.first[xx] * ch;
      for (let c = 0; c < ch; c++) {
        let acc = HALF;
        for (let i = 0; i < n; i++) acc += src[base + i * ch + c] * t.weights[k0 + i];
        out[(y * outW + xx) * ch + c] = clip8(acc);
      }
    }
  }
  return out;
}

/** Vertical pass; `rowShift` is the first input row the table refers to that `src` actually holds. */
function vertical(src: Uint8Array, w: number, ch: number, rowShift: number, t: ResampleTable): Uint8Array {
  const outH = t.first.length;
  const stride = w * ch;
  const out = new Uint8Array(outH * stride);
  for (let yy = 0; yy < outH; yy++) {
    const k0 = yy * t.ksize;
    const n = t.count[yy];
    const base = (t.first[yy] - rowShift) * stride;
    for (let i = 0; i < stride; i++) {
      let acc = HALF;
      for (let j = 0; j < n; j++) acc += src[base + j * stride + i] * t.weights[k0 + j];
      out[yy * stride + i] = clip8(acc);
    }
  }
  return out;
}

/**
 * Resizes an interleaved 8-bit image (`channels` per pixel) to `outW` x `outH` like Pillow's BICUBIC.
 * Same size returns a copy, as Pillow does.
 */
export function resizeBicubic(
  src: Uint8Array,
  width: number,
  height: number,
  channels: number,
  outW: number,
  outH: number,
): Uint8Array {
  if (src.length !== width * height * channels) throw new Error(`resizeBicubic: ${src.length} bytes is not ${width}x${height}x${channels}`);
  const vt = resampleTable(height, outH);
  // Pillow resamples only the input rows the vertical pass will read.
  const rowFirst = vt.first[0];
  const rowLast = vt.first[outH - 1] + vt.count[outH - 1];
  let img = src;
  let w = width;
  let shift = 0;
  if (outW !== width) {
    img = horizontal(src, width, channels, rowFirst, rowLast - rowFirst, resampleTable(width, outW));
    w = outW;
    shift = rowFirst;
  }
  if (outH !== height) return vertical(img, w, channels, shift, vt);
  return img === src ? src.slice() : img;
}
