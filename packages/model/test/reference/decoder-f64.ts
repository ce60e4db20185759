/**
 * Independent float64 forward pass of the Chameleon decoder as PURE uses it, in plain loops, written
 * from the architecture description (PURE-PIPELINE.md section 4). Shares no code with the ONNX builder.
 * Weights come in checkpoint layout by Hugging Face name (linear weights [out, in]).
 */

export interface RefConfig {
  layers: number;
  hidden: number;
  heads: number;
  headDim: number;
  intermediate: number;
  vocabSize: number;
  ropeTheta: number;
  normEps: number;
  qkNorm: boolean;
}

export type RefWeights = (name: string, dims: number[]) => Float32Array;

/** y[o] = sum_i W[o, i] x[i] for W stored [out, in]. */
function linear(W: Float32Array, x: Float64Array, out: number): Float64Array {
  const n = x.length;
  const y = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += W[o * n + i] * x[i];
    y[o] = s;
  }
  return y;
}

function rmsNorm(x: Float64Array, w: Float32Array, eps: number): Float64Array {
  let ss = 0;
  for (const v of x) ss += v * v;
  const r = 1 / Math.sqrt(ss / x.length + eps);
  return x.map((v, i) => v * r * w[i]);
}

/** LayerNorm over each head's slice with one weight/bias shared by every head. */
function headLayerNorm(x: Float64Array, heads: number, D: number, w: Float32Array, b: Float32Array, eps: number): void {
  for (let h = 0; h < heads; h++) {
    let mean = 0;
    for (let d = 0; d < D; d++) mean += x[h * D + d];
    mean /= D;
    let v = 0;
    for (let d = 0; d < D; d++) v += (x[h * D + d] - mean) ** 2;
    const r = 1 / Math.sqrt(v / D + eps);
    for (let d = 0; d < D; d++) x[h * D + d] = (x[h * D + d] - mean) * r * w[d] + b[d];
  }
}

/** Rotate-half RoPE: pairs (d, d + D/2) rotate by pos / theta^(2d/D). */
function rope(x: Float64Array, heads: number, D: number, pos: number, theta: number): void {
  const half = D / 2;
  for (let h = 0; h < heads; h++) {
    for (let d = 0; d < half; d++) {
      const a = pos / theta ** ((2 * d) / D);
      const x1 = x[h * D + d];
      const x2 = x[h * D + d + half];
      x[h * D + d] = x1 * Math.cos(a) - x2 * Math.sin(a);
      x[h * D + d + half] = x2 * Math.cos(a) + x1 * Math.sin(a);
    }
  }
}

/** Logits (float64) at the last position of one unpadded row `ids` at `positions`. */
export function referenceLastLogits(c: RefConfig, W: RefWeights, ids: number[], positions: number[]): Float64Array {
  const H = c.hidden;
  const QD = c.heads * c.headDim;
  const S = ids.length;
  const emb = W('model.embed_tokens.weight', [c.vocabSize, H]);
  let xs: Float64Array[] = ids.map((id) => Float64Array.from(emb.subarray(id * H, id * H + H)));
  for (let l = 0; l < c.layers; l++) {
    const p = `model.layers.${l}.`;
    const wIn = W(`${p}input_layernorm.weight`, [H]);
    const [wq, wk, wv] = ['q', 'k', 'v'].map((n) => W(`${p}self_attn.${n}_proj.weight`, [QD, H]));
    const wo = W(`${p}self_attn.o_proj.weight`, [H, QD]);
    const qs: Float64Array[] = [];
    const ks: Float64Array[] = [];
    const vs: Float64Array[] = [];
    for (let s = 0; s < S; s++) {
      const h = rmsNorm(xs[s], wIn, c.normEps);
      const q = linear(wq, h, QD);
      const k = linear(wk, h, QD);
      if (c.qkNorm) {
        headLayerNorm(q, c.heads, c.headDim, W(`${p}self_attn.q_norm.weight`, [c.headDim]), W(`${p}self_attn.q_norm.bias`, [c.headDim]), c.normEps);
        headLayerNorm(k, c.heads, c.headDim, W(`${p}self_attn.k_norm.weight`, [c.headDim]), W(`${p}self_attn.k_norm.bias`, [c.headDim]), c.normEps);
      }
      rope(q, c.heads, c.headDim, positions[s], c.ropeTheta);
      rope(k, c.heads, c.headDim, positions[s], c.ropeTheta);
      qs.push(q);
      ks.push(k);
      vs.push(linear(wv, h, QD));
    }
    const next: Float64Array[] = [];
    for (let s = 0; s < S; s++) {
      const ctx = new Float64Array(QD);
      for (let h = 0; h < c.heads; h++) {
        const o = h * c.headDim;
        const scores: number[] = [];
        for (let t = 0; t <= s; t++) {
          let dot = 0;
          for (let d = 0; d < c.headDim; d++) dot += qs[s][o + d] * ks[t][o + d];
          scores.push(dot / Math.sqrt(c.headDim));
        }
        const m = Math.max(...scores);
        const e = scores.map((v) => Math.exp(v - m));
        const z = e.reduce((a, b) => a + b, 0);
        for (let t = 0; t <= s; t++) for (let d = 0; d < c.headDim; d++) ctx[o + d] += (e[t] / z) * vs[t][o + d];
      }
      const attn = linear(wo, ctx, H);
      const x1 = xs[s].map((v, i) => v + attn[i]);
      const h2 = rmsNorm(x1, W(`${p}post_attention_layernorm.weight`, [H]), c.normEps);
      const gate = linear(W(`${p}mlp.gate_proj.weight`, [c.intermediate, H]), h2, c.intermediate);
      const up = linear(W(`${p}mlp.up_proj.weight`, [c.intermediate, H]), h2, c.intermediate);
      const act = gate.map((g, i) => (g / (1 + Math.exp(-g))) * up[i]);
      const down = linear(W(`${p}mlp.down_proj.weight`, [H, c.intermediate]), act, H);
      next.push(x1.map((v, i) => v + down[i]));
    }
    xs = next;
  }
  const last = rmsNorm(xs[S - 1], W('model.norm.weight', [H]), c.normEps);
  return linear(W('lm_head.weight', [c.vocabSize, H]), last, c.vocabSize);
}
