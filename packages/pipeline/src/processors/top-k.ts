/**
 * Top-k filtering that keeps ties at the threshold, by quickselect (no full sort) into reusable buffers.
 */
import type { Support } from './structural-mask';

/** The k-th largest (1-based) of a[0..n), found by quickselect; reorders a. */
export function kthLargest(a: Float32Array, n: number, k: number): number {
  const target = k - 1;
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    const p0 = a[lo];
    const p1 = a[mid];
    const p2 = a[hi];
    const pivot = p0 > p1 ? (p1 > p2 ? p1 : p0 > p2 ? p2 : p0) : p0 > p2 ? p0 : p1 > p2 ? p2 : p1;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] > pivot) i++;
      while (a[j] < pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target];
  }
  return a[target];
}

/** Reusable buffers for topK, sized to the vocab once. */
export interface TopKScratch {
  select: Float32Array;
  ids: Int32Array;
  values: Float32Array;
}

/** Scratch buffers for a vocab of the given size. */
export function createTopKScratch(vocabSize: number): TopKScratch {
  return { select: new Float32Array(vocabSize), ids: new Int32Array(vocabSize), values: new Float32Array(vocabSize) };
}

/**
 * Top-k filter keeping ties: collects, in ascending id order, every finite logit in the support that is
 * >= the k-th largest into scratch.ids / scratch.values and returns how many (>= k unless fewer are finite).
 * Equivalent to the reference's `scores < topk(scores, k)[-1] -> -inf`.
 */
export function topK(logits: Float32Array, support: Support, k: number, scratch: TopKScratch): number {
  const { select, ids, values } = scratch;
  let n = 0;
  for (let r = 0; r < support.length; r += 2) {
    const to = support[r + 1];
    for (let i = support[r]; i < to; i++) {
      const x = logits[i];
      if (x > -Infinity) select[n++] = x;
    }
  }
  let threshold = -Infinity;
  if (k < n) threshold = k === 1 ? maxOf(select, n) : kthLargest(select, n, k);
  return collectAtLeast(logits, support, threshold, ids, values);
}

/**
 * Writes the finite logits >= threshold inside `support` (flat [from, to) pairs), in id order, to
 * ids/values; returns how many. `>=` is what keeps ties at the threshold, as the reference does.
 */
export function collectAtLeast(logits: Float32Array, support: Support, threshold: number, ids: Int32Array, values: Float32Array): number {
  let c = 0;
  for (let r = 0; r < support.length; r += 2) {
    const to = support[r + 1];
    for (let i = support[r]; i < to; i++) {
      const x = logits[i];
      if (x >= threshold && x > -Infinity) {
        ids[c] = i;
        values[c++] = x;
      }
    }
  }
  return c;
}

function maxOf(a: Float32Array, n: number): number {
  let m = -Infinity;
  for (let i = 0; i < n; i++) if (a[i] > m) m = a[i];
  return m;
}
