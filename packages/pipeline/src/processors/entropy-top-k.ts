/**
 * Entropy-based dynamic top-k (the reference's InterleavedTopKLogitsWarper): H in nats over the logits as
 * received (after CFG and the mask, before temperature), k from a sigmoid of the clamped entropy, then a
 * top-k filter that keeps every logit tied with the k-th largest.
 */
import { fastExp } from './fast-exp';
import { collectAtLeast, kthLargest, type TopKScratch } from './top-k';
import type { Support } from './structural-mask';

/** The reference's epsilon in H = -sum p * ln(p + 1e-10). */
const EPS = 1e-10;
const LN_EPS = Math.log(EPS);
// p * ln(1 + EPS/p) = EPS * G(u) with u = ln p - ln EPS and G(u) = e^u * ln(1 + e^-u), tabulated on
// [-30, 12] in steps of 1/64. Beyond u = 12, G = 1 to 3e-6 relative; below -30, p < 1e-23 and the term vanishes.
const G_LO = -30;
const G_HI = 12;
const G_STEPS = 64;
const G = new Float64Array((G_HI - G_LO) * G_STEPS + 2);
for (let i = 0; i < G.length; i++) {
  const u = G_LO + i / G_STEPS;
  G[i] = Math.exp(u) * Math.log1p(Math.exp(-u));
}

function epsTerm(u: number): number {
  if (u >= G_HI) return 1;
  if (!(u > G_LO)) return 0;
  const f = (u - G_LO) * G_STEPS;
  const j = Math.floor(f);
  return G[j] + (f - j) * (G[j + 1] - G[j]);
}

function maxOver(logits: Float32Array, support: Support): number {
  let m = -Infinity;
  for (let r = 0; r < support.length; r += 2) {
    const to = support[r + 1];
    for (let i = support[r]; i < to; i++) if (logits[i] > m) m = logits[i];
  }
  return m;
}

/**
 * Entropy in nats of softmax(logits) over the support (entries outside it are -inf and contribute 0),
 * as the reference defines it: -sum p * ln(p + 1e-10). Float64, without a log per entry:
 * -sum p ln p = ln S - sum p (x - m), minus the epsilon's share from a table (error < 1e-10 nats).
 */
export function entropy(logits: Float32Array, support: Support): number {
  const m = maxOver(logits, support);
  if (!(m > -Infinity)) return 0;
  let s = 0;
  let a = 0;
  for (let r = 0; r < support.length; r += 2) {
    const to = support[r + 1];
    for (let i = support[r]; i < to; i++) {
      const d = logits[i] - m;
      if (d > -700) {
        const e = fastExp(d);
        s += e;
        a += e * d;
      }
    }
  }
  const lnS = Math.log(s);
  const shift = m + lnS + LN_EPS;
  let corr = 0;
  for (let r = 0; r < support.length; r += 2) {
    const to = support[r + 1];
    for (let i = support[r]; i < to; i++) corr += epsTerm(logits[i] - shift);
  }
  return lnS - a / s - EPS * corr;
}

/** Python's round(): to the nearest integer, halves to even. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** k = clamp(round(kMin + (kMax - kMin) * sigmoid(clamp(H, 0, 10) - mu)), kMin, kMax), sigmoid in float64. */
export function dynamicK(h: number, kMin: number, kMax: number, mu: number): number {
  const hc = Math.min(Math.max(h, 0), 10);
  const sig = 1 / (1 + Math.exp(-(hc - mu)));
  const k = roundHalfEven(kMin + (kMax - kMin) * sig);
  return Math.min(Math.max(k, kMin), kMax);
}

/** Histogram of (max - x): BINS_PER_NAT bins per nat over 64 nats, the last bin open-ended. */
const BINS_PER_NAT = 8;
const BINS = 512;

/** The fused pass's results; one instance per sampler. */
export interface EntropyTopK {
  entropy: number;
  k: number;
  /** Candidates collected into the scratch ids/values (>= k with ties). */
  n: number;
}

/**
 * The same entropy, k and tie-keeping filter as entropy() + dynamicK() + topK(), fused for the per-token
 * path: one pass computes the exponentials and histograms the logits by distance from the max; the histogram then places the k-th largest in one bin, so quickselect runs on that bin
 * only, and the epsilon's share is summed per bin (at the bin centre: error < 3e-8 nats).
 * `max` is the largest logit in the support (-inf or NaN to compute it here).
 */
export function entropyTopK(
  logits: Float32Array,
  support: Support,
  max: number,
  p: { kMin: number; kMax: number; mu: number },
  scratch: TopKScratch & { hist: Int32Array },
  out: EntropyTopK,
): EntropyTopK {
  const m = max > -Infinity ? max : maxOver(logits, support);
  const { ids, values, hist } = scratch;
  out.n = 0;
  out.entropy = 0;
  out.k = p.kMin;
  if (!(m > -Infinity)) return out;
  hist.fill(0);
  let s = 0;
  let a = 0;
  let n = 0;
  for (let r = 0; r < support.length; r += 2) {
    const to = support[r + 1];
    for (let i = support[r]; i < to; i++) {
      const x = logits[i];
      const d = x - m;
      if (!(d > -Infinity)) continue;
      n++;
      const b = -d * BINS_PER_NAT;
      hist[b < BINS - 1 ? b | 0 : BINS - 1]++;
      if (d > -700) {
        const e = fastExp(d);
        s += e;
        a += e * d;
      }
    }
  }
  const lnS = Math.log(s);
  let corr = 0;
  for (let b = 0; b < BINS - 1; b++) {
    if (hist[b] !== 0) corr += hist[b] * epsTerm(-(b + 0.5) / BINS_PER_NAT - lnS - LN_EPS);
  }
  const h = lnS - a / s - EPS * corr;
  const k = dynamicK(h, p.kMin, p.kMax, p.mu);
  out.entropy = h;
  out.k = k;

  let threshold = -Infinity;
  if (k < n) {
    let before = 0;
    let bin = 0;
    while (before + hist[bin] < k) before += hist[bin++];
    // The k-th largest lies in `bin`: select among that bin's logits only (values is free until the collect).
    let c = 0;
    for (let r = 0; r < support.length; r += 2) {
      const to = support[r + 1];
      for (let i = support[r]; i < to; i++) {
        const b = -(logits[i] - m) * BINS_PER_NAT;
        if ((b < BINS - 1 ? b | 0 : BINS - 1) === bin) values[c++] = logits[i];
      }
    }
    threshold = kthLargest(values, c, k - before);
  }
  out.n = collectAtLeast(logits, support, threshold, ids, values);
  return out;
}
