/**
 * One Chameleon decoder layer in standard ONNX ops: pre-norm RMSNorm, q/k/v projections, shared-weight
 * LayerNorm QK-norm, rotate-half RoPE, attention over past + new keys with an additive mask, SwiGLU MLP.
 */
import type { GraphBuilder } from '../onnx/graph-builder';
import type { DecoderShape } from './decoder-weights';

/** ChameleonLayerNorm (the QK-norm) hard-codes its epsilon, whatever rms_norm_eps says. */
export const CHAMELEON_QK_NORM_EPS = 1e-5;

/** Shared state while building one decoder graph. */
export interface DecoderContext {
  g: GraphBuilder;
  d: DecoderShape;
  /** Initializer name of a weight (created lazily from the weight source, transposed for MatMul). */
  weight(name: string): string;
  /** RoPE tables gathered at position_ids, [B,1,S,headDim], in the compute dtype. */
  cos: string;
  sin: string;
  /** Additive float32 mask [B,1,S,P+S]: 0 where attending, a large negative number elsewhere. */
  maskBias: string;
}

const FLOAT = 1;
const FLOAT16 = 10;

/** RMSNorm with the statistics in float32 and the weight applied after casting back (as HF does). */
export function rmsNorm(c: DecoderContext, x: string, weightName: string): string {
  const { g, d } = c;
  const half = d.dtype === 'float16';
  const x32 = half ? g.op('Cast', [x], { to: FLOAT }) : x;
  const ms = g.op('ReduceMean', [g.op('Mul', [x32, x32])], { axes: [-1], keepdims: 1 });
  const y = g.op('Div', [x32, g.op('Sqrt', [g.op('Add', [ms, g.constF(d.normEps, 'float32', [])])])]);
  return g.op('Mul', [half ? g.op('Cast', [y], { to: FLOAT16 }) : y, c.weight(weightName)]);
}

/** x * cos + rotate_half(x) * sin, where rotate_half([a, b]) = [-b, a] over the last axis. */
function rope(c: DecoderContext, x: string): string {
  const { g, d } = c;
  const halfDim = d.headDim / 2;
  const [a, b] = g.ops('Split', [x, g.constI64([halfDim, halfDim])], 2, { axis: -1 });
  const rotated = g.op('Concat', [g.op('Neg', [b]), a], { axis: -1 });
  return g.op('Add', [g.op('Mul', [x, c.cos]), g.op('Mul', [rotated, c.sin])]);
}

/** [B,S,heads*headDim] -> [B,heads,S,headDim], with the optional shared QK LayerNorm over headDim. */
function heads(c: DecoderContext, x: string, count: number, norm?: string): string {
  const { g, d } = c;
  let y = g.op('Reshape', [x, g.constI64([0, 0, count, d.headDim])]);
  if (norm) {
    // one [headDim] weight and bias for every head: plain LayerNormalization over the last axis
    y = g.op('LayerNormalization', [y, c.weight(`${norm}.weight`), c.weight(`${norm}.bias`)], {
      axis: -1,
      epsilon: CHAMELEON_QK_NORM_EPS,
      stash_type: 1,
    });
  }
  return g.op('Transpose', [y], { perm: [0, 2, 1, 3] });
}

/** Appends layer `i`; `x` is the residual stream [B,S,hidden]; returns the new residual stream. */
export function decoderLayer(c: DecoderContext, i: number, x: string): string {
  const { g, d } = c;
  const p = `model.layers.${i}.`;
  const dt = d.dtype;
  const half = dt === 'float16';
  const h = rmsNorm(c, x, `${p}input_layernorm.weight`);
  const ln = d.qkNorm === 'layernorm-shared';
  const q = rope(c, heads(c, g.op('MatMul', [h, c.weight(`${p}self_attn.q_proj.weight`)]), d.heads, ln ? `${p}self_attn.q_norm` : undefined));
  const k = rope(c, heads(c, g.op('MatMul', [h, c.weight(`${p}self_attn.k_proj.weight`)]), d.kvHeads, ln ? `${p}self_attn.k_norm` : undefined));
  const v = heads(c, g.op('MatMul', [h, c.weight(`${p}self_attn.v_proj.weight`)]), d.kvHeads);

  const pastK = g.input(`past_key_values.${i}.key`, dt, ['batch_size', d.kvHeads, 'past_sequence_length', d.headDim]);
  const pastV = g.input(`past_key_values.${i}.value`, dt, ['batch_size', d.kvHeads, 'past_sequence_length', d.headDim]);
  const keys = g.op('Concat', [pastK, k], { axis: 2 }, `present.${i}.key`);
  const values = g.op('Concat', [pastV, v], { axis: 2 }, `present.${i}.value`);

  // scale q before the product: smaller intermediates, which matters in fp16
  const qs = g.op('Mul', [q, g.constF(1 / Math.sqrt(d.headDim), dt, [])]);
  let scores = g.op('MatMul', [qs, g.op('Transpose', [keys], { perm: [0, 1, 3, 2] })]);
  if (half) scores = g.op('Cast', [scores], { to: FLOAT });
  let probs = g.op('Softmax', [g.op('Add', [scores, c.maskBias])], { axis: -1 });
  if (half) probs = g.op('Cast', [probs], { to: FLOAT16 });
  const ctx = g.op('Transpose', [g.op('MatMul', [probs, values])], { perm: [0, 2, 1, 3] });
  const attn = g.op('MatMul', [g.op('Reshape', [ctx, g.constI64([0, 0, d.heads * d.headDim])]), c.weight(`${p}self_attn.o_proj.weight`)]);
  const x1 = g.op('Add', [x, attn]);

  const h2 = rmsNorm(c, x1, `${p}post_attention_layernorm.weight`);
  const gate = g.op('MatMul', [h2, c.weight(`${p}mlp.gate_proj.weight`)]);
  const up = g.op('MatMul', [h2, c.weight(`${p}mlp.up_proj.weight`)]);
  const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
  return g.op('Add', [x1, g.op('MatMul', [act, c.weight(`${p}mlp.down_proj.weight`)])]);
}
