/**
 * The per-token entropy heatmap, like the paper's Fig. 3: each image token's cell, upscaled by nearest
 * neighbour from the code grid to the image size, coloured by entropy with a viridis-like colormap
 * (dark purple = confident, yellow = uncertain).
 */
import sharp from 'sharp';
import type { RgbImage } from './preprocess';

// Viridis sampled at 9 evenly spaced points (matplotlib's table); colours in between are interpolated
// linearly, which stays within a few levels of the full 256-entry table.
const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [0.267004, 0.004874, 0.329415],
  [0.282623, 0.140926, 0.457517],
  [0.229739, 0.322361, 0.545706],
  [0.172719, 0.448791, 0.557885],
  [0.127568, 0.566949, 0.550556],
  [0.157851, 0.683765, 0.501686],
  [0.369214, 0.788888, 0.382914],
  [0.678489, 0.863742, 0.189503],
  [0.993248, 0.906157, 0.143936],
];

/** Maps t in [0, 1] (clamped; NaN as 0) to an 8-bit RGB colour on the viridis ramp. */
export function viridis(t: number): [number, number, number] {
  const u = t > 0 ? Math.min(t, 1) * (VIRIDIS.length - 1) : 0;
  const i = Math.min(Math.floor(u), VIRIDIS.length - 2);
  const f = u - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [0, 1, 2].map((c) => Math.round((a[c] + (b[c] - a[c]) * f) * 255)) as [number, number, number];
}

/** Options for the heatmap's colour scale: entropy `min` maps to the dark end and `max` to the bright end. */
export interface HeatmapScale {
  min: number;
  max: number;
}

/** Renders grid*grid entropies (raster order) as a size x size RGB image, nearest-neighbour upscaled. */
export function renderHeatmap(entropies: ArrayLike<number>, grid: number, size: number, scale: HeatmapScale): RgbImage {
  if (entropies.length !== grid * grid) throw new Error(`heatmap: ${entropies.length} entropies for a ${grid}x${grid} grid`);
  const span = scale.max - scale.min;
  const colours = new Uint8Array(grid * grid * 3);
  for (let i = 0; i < grid * grid; i++) colours.set(viridis(span > 0 ? (entropies[i] - scale.min) / span : 0), i * 3);
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    const row = Math.floor((y * grid) / size);
    for (let x = 0; x < size; x++) {
      const cell = (row * grid + Math.floor((x * grid) / size)) * 3;
      const o = (y * size + x) * 3;
      data[o] = colours[cell];
      data[o + 1] = colours[cell + 1];
      data[o + 2] = colours[cell + 2];
    }
  }
  return { data, width: size, height: size };
}

/** The heatmap as PNG bytes. */
export async function heatmapPng(entropies: ArrayLike<number>, grid: number, size: number, scale: HeatmapScale): Promise<Uint8Array> {
  const img = renderHeatmap(entropies, grid, size, scale);
  return new Uint8Array(await sharp(img.data, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer());
}
