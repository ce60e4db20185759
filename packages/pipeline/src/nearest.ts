/**
 * Pillow's NEAREST resize (its affine "scale" path), which `Image.resize` uses for palette and 1-bit images
 * even when BICUBIC is asked for: source index = int(x0), int(x0 + s), ... with x0 = s/2 and s = in/out,
 * accumulated in float64 exactly as Pillow steps it.
 */

function indexTable(inSize: number, outSize: number): Int32Array {
  const step = inSize / outSize;
  const table = new Int32Array(outSize);
  let pos = step * 0.5;
  for (let i = 0; i < outSize; i++) {
    table[i] = Math.min(Math.trunc(pos), inSize - 1);
    pos += step;
  }
  return table;
}

/** Resizes an interleaved 8-bit image by nearest neighbour like Pillow; same size returns a copy. */
export function resizeNearest(src: Uint8Array, width: number, height: number, channels: number, outW: number, outH: number): Uint8Array {
  if (src.length !== width * height * channels) throw new Error(`resizeNearest: ${src.length} bytes is not ${width}x${height}x${channels}`);
  const xs = indexTable(width, outW);
  const ys = indexTable(height, outH);
  const out = new Uint8Array(outW * outH * channels);
  for (let y = 0; y < outH; y++) {
    const row = ys[y] * width;
    for (let x = 0; x < outW; x++) {
      const s = (row + xs[x]) * channels;
      const o = (y * outW + x) * channels;
      for (let c = 0; c < channels; c++) out[o + c] = src[s + c];
    }
  }
  return out;
}
