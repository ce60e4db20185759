/**
 * Per-image entropy artifacts: a binary log of (entropy, k) per image token, a JSON summary and a heatmap.
 * Log format: little-endian float32 pairs [entropy_0, k_0, entropy_1, k_1, ...], one pair per image token
 * in raster order (row-major over the code grid), no header: grid*grid*8 bytes.
 */
import { z } from 'zod';
import { heatmapPng } from './heatmap';

/** What one image token contributes to the artifacts (a subset of the generator's token record). */
export interface EntropyRecord {
  row: number;
  entropy: number;
  k: number;
}

const Stat = z.object({ mean: z.number(), min: z.number(), max: z.number() });

export const EntropySummary = z.object({
  /** Image tokens summarised (grid*grid for a complete image). */
  count: z.number().int().nonnegative(),
  /** Entropy in nats of the processed logits, before temperature; percentiles interpolate linearly (numpy's default). */
  entropy: Stat.extend({ p50: z.number(), p90: z.number(), p99: z.number() }),
  /** The dynamic top-k chosen per token. */
  k: Stat,
  /** Mean entropy of each grid row, top to bottom. */
  rowMeans: z.array(z.number()),
});
export type EntropySummary = z.infer<typeof EntropySummary>;

const BYTES_PER_RECORD = 8;

/** Encodes records (already in raster order) as the little-endian float32 (entropy, k) log. */
export function encodeEntropyLog(records: readonly EntropyRecord[]): Uint8Array {
  const out = new Uint8Array(records.length * BYTES_PER_RECORD);
  const view = new DataView(out.buffer);
  records.forEach((r, i) => {
    view.setFloat32(i * BYTES_PER_RECORD, r.entropy, true);
    view.setFloat32(i * BYTES_PER_RECORD + 4, r.k, true);
  });
  return out;
}

/** Reads a log back into its (entropy, k) pairs. */
export function decodeEntropyLog(bytes: Uint8Array): { entropy: number; k: number }[] {
  if (bytes.length % BYTES_PER_RECORD !== 0) throw new Error(`entropy log of ${bytes.length} bytes is not a whole number of records`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: { entropy: number; k: number }[] = [];
  for (let o = 0; o < bytes.length; o += BYTES_PER_RECORD) out.push({ entropy: view.getFloat32(o, true), k: view.getFloat32(o + 4, true) });
  return out;
}

/** Linear-interpolation percentile of ascending `sorted` (numpy `percentile`, method 'linear'). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function stat(values: Float64Array): z.infer<typeof Stat> {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return values.length ? { mean: sum / values.length, min, max } : { mean: NaN, min: NaN, max: NaN };
}

/** Summarises records of a `grid`-wide image; rows are taken from each record. */
export function summarizeEntropy(records: readonly EntropyRecord[], grid: number): EntropySummary {
  const h = Float64Array.from(records, (r) => r.entropy);
  const sorted = h.slice().sort();
  const rowSum = new Float64Array(grid);
  const rowCount = new Float64Array(grid);
  for (const r of records) {
    rowSum[r.row] += r.entropy;
    rowCount[r.row] += 1;
  }
  return {
    count: records.length,
    entropy: { ...stat(h), p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99) },
    k: stat(Float64Array.from(records, (r) => r.k)),
    rowMeans: Array.from(rowSum, (s, i) => (rowCount[i] ? s / rowCount[i] : NaN)),
  };
}

/** The three artifacts for one image. */
export interface EntropyArtifacts {
  log: Uint8Array;
  summary: EntropySummary;
  heatmap: Uint8Array;
}

/**
 * Builds the log, summary and heatmap PNG (`size` x `size`) from grid*grid records in raster order.
 * The heatmap scale runs from 0 to `maxEntropy` (ln of the codebook size: the most a token can have),
 * so heatmaps of different images compare.
 */
export async function buildEntropyArtifacts(records: readonly EntropyRecord[], grid: number, size: number, maxEntropy: number): Promise<EntropyArtifacts> {
  if (records.length !== grid * grid) throw new Error(`entropy artifacts need ${grid * grid} records, got ${records.length}`);
  const heatmap = await heatmapPng(Float64Array.from(records, (r) => r.entropy), grid, size, { min: 0, max: maxEntropy });
  return { log: encodeEntropyLog(records), summary: summarizeEntropy(records, grid), heatmap };
}
