/**
 * The processor list, run in the reference's order for one token, and the final draw.
 * Image code: CFG blend -> structural mask -> entropy and dynamic top-k -> temperature -> inverse-CDF draw.
 * Text: top-k = textTopK -> temperature -> draw (no CFG, no mask).
 * Every buffer is allocated once per sampler: nothing is allocated per token.
 */
import type { TokenLayout } from './layout';
import { cfgBlend } from './processors/cfg';
import { StructuralMask, fullSupport, type Support } from './processors/structural-mask';
import { entropyTopK, type EntropyTopK } from './processors/entropy-top-k';
import { topK, createTopKScratch, type TopKScratch } from './processors/top-k';
import { applyTemperature } from './processors/temperature';
import { fastExp } from './processors/fast-exp';

/** The knobs the processors read (a subset of RestoreParams). */
export interface SamplingParams {
  cfg: number;
  temperature: number;
  kMin: number;
  kMax: number;
  mu: number;
  textTopK: number;
}

/** One draw's outcome; the sampler reuses a single instance, so copy what you keep. */
export interface Draw {
  id: number;
  /** Probability of the drawn id after top-k and temperature. */
  prob: number;
  /** Entropy (nats) the dynamic k was computed from; 0 where no entropy is computed. */
  entropy: number;
  k: number;
  /** Candidates left after the top-k filter (>= k when tied). */
  candidates: number;
}

/**
 * Draws from values[0..n) (logits after temperature) by inverse CDF with uniform u in [0, 1): the first
 * candidate whose cumulative probability exceeds u. Returns the index into values; writes its probability
 * into out.prob.
 */
export function drawInverseCdf(values: Float32Array, n: number, u: number, out: { prob: number }): number {
  let m = -Infinity;
  for (let i = 0; i < n; i++) if (values[i] > m) m = values[i];
  let s = 0;
  for (let i = 0; i < n; i++) s += fastExp(values[i] - m);
  const target = u * s;
  let cum = 0;
  let last = -1;
  let lastE = 0;
  for (let i = 0; i < n; i++) {
    const e = fastExp(values[i] - m);
    if (e === 0) continue;
    cum += e;
    last = i;
    lastE = e;
    if (cum > target) break;
  }
  // Rounding can leave target at or above the total: then the last candidate with mass is drawn.
  if (last === -1) throw new Error('no finite logit to sample from');
  out.prob = lastE / s;
  return last;
}

/** Runs the processor list for one token at a time over one layout. */
export class TokenSampler {
  readonly mask: StructuralMask;
  private readonly scratch: TopKScratch & { hist: Int32Array };
  private readonly etk: EntropyTopK = { entropy: 0, k: 0, n: 0 };
  private readonly full: Support;
  private readonly draw: Draw = { id: -1, prob: 0, entropy: 0, k: 0, candidates: 0 };

  constructor(
    readonly layout: TokenLayout,
    readonly params: SamplingParams,
  ) {
    if (!(params.kMin >= 1 && params.kMax >= params.kMin)) throw new RangeError(`need 1 <= kMin <= kMax, got ${params.kMin}, ${params.kMax}`);
    if (!(params.textTopK >= 1)) throw new RangeError(`textTopK must be >= 1, got ${params.textTopK}`);
    if (!(params.temperature > 0)) throw new RangeError(`temperature must be > 0, got ${params.temperature}`);
    this.mask = new StructuralMask(layout);
    this.scratch = { ...createTopKScratch(layout.vocabSize), hist: new Int32Array(512) };
    this.full = fullSupport(layout.vocabSize);
  }

  /**
   * The token at image body position t: `cond` holds the guided logits and is overwritten (blend and mask
   * happen in place); `uncond` is null when CFG is off. Forced positions return the forced id, k = 0.
   */
  sampleImage(cond: Float32Array, uncond: Float32Array | null, t: number, u: number): Draw {
    const d = this.draw;
    const forced = this.mask.forcedAt(t);
    if (forced !== -1) {
      this.mask.apply(cond, t);
      d.id = forced;
      d.prob = 1;
      d.entropy = 0;
      d.k = 0;
      d.candidates = 1;
      return d;
    }
    // The mask sets every id outside its support to -inf, so the blend, the entropy and the top-k read the
    // support alone; the -inf writes themselves (mask.apply) are skipped on this path: nothing reads them.
    const support = this.mask.supportAt(t);
    const max = uncond ? cfgBlend(cond, uncond, this.params.cfg, support) : NaN;
    const r = entropyTopK(cond, support, max, this.params, this.scratch, this.etk);
    d.entropy = r.entropy;
    d.k = r.k;
    return this.draw_(r.n, u);
  }

  /** A text-phase token: top-k = textTopK, temperature, draw; no CFG, no mask, no entropy. */
  sampleText(logits: Float32Array, u: number): Draw {
    this.draw.entropy = 0;
    this.draw.k = this.params.textTopK;
    return this.finish(logits, this.full, this.params.textTopK, u);
  }

  private finish(logits: Float32Array, support: Support, k: number, u: number): Draw {
    return this.draw_(topK(logits, support, k, this.scratch), u);
  }

  private draw_(n: number, u: number): Draw {
    const d = this.draw;
    if (n === 0) throw new Error('every logit is -inf or NaN: the decoder output is unusable, retry on another worker');
    applyTemperature(this.scratch.values, n, this.params.temperature);
    const i = drawInverseCdf(this.scratch.values, n, u, d);
    d.id = this.scratch.ids[i];
    d.candidates = n;
    return d;
  }
}
