/**
 * Builds the Chameleon/PURE decoder graph with KV cache, named like Hugging Face/optimum decoder exports:
 * inputs `input_ids`, `attention_mask`, `position_ids` [B,S] / [B,P+S] int64 and
 * `past_key_values.{i}.key|value` [B,kvHeads,P,headDim]; outputs `logits` [B,1,V] float32 (last position
 * of each row only) and `present.{i}.key|value` [B,kvHeads,P+S,headDim]. Rows may be LEFT-padded: the
 * mask (1 = attend) is combined with causality over columns, so rows of different lengths share a batch.
 */
import { GraphBuilder } from '../onnx/graph-builder';
import { decoderLayer, rmsNorm, type DecoderContext } from './decoder-layer';
import { decoderWeightSpecs, transpose2d, type DecoderShape, type DecoderWeightSource } from './decoder-weights';

/** Large negative bias for masked scores: finite, so fully masked (padding) rows stay NaN-free. */
const MASKED = -1e30;

/**
 * The decoder graph. Without `weights` every weight is a stub (dims only): enough to count nodes and
 * parameters of a 7B-shaped graph or encode it graph-only, not to write or run it.
 */
export function buildDecoderGraph(d: DecoderShape, weights?: DecoderWeightSource): GraphBuilder {
  if (d.kvHeads !== d.heads) throw new Error(`decoder: grouped-query attention (kvHeads ${d.kvHeads} != heads ${d.heads}) is not supported`);
  if (d.headDim % 2 !== 0) throw new Error(`decoder: headDim ${d.headDim} must be even for RoPE`);
  const g = new GraphBuilder('pure_decoder');
  const dt = d.dtype;
  const specs = new Map(decoderWeightSpecs(d).map((s) => [s.name, s.dims]));
  const created = new Map<string, string>();
  const weight = (name: string): string => {
    const dims = specs.get(name);
    if (!dims) throw new Error(`decoder: no weight named ${name}`);
    const existing = created.get(name);
    if (existing) return existing;
    // linear weights (2-D, except the embedding, which is gathered by row) become [in, out] for MatMul
    const linear = dims.length === 2 && name !== 'model.embed_tokens.weight';
    const shape = linear ? [dims[1], dims[0]] : dims;
    const data = weights
      ? () => {
          const src = weights(name, dims);
          const n = dims.reduce((a, b) => a * b, 1);
          if (src.length !== n) throw new Error(`decoder weight ${name}: ${src.length} values, expected [${dims.join(',')}]`);
          return linear ? transpose2d(src, dims[0], dims[1]) : src;
        }
      : undefined;
    created.set(name, g.initializer(name, dt, shape, data));
    return name;
  };

  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length']);
  const pos = g.input('position_ids', 'int64', ['batch_size', 'sequence_length']);

  // RoPE tables in float64 maths, rounded once: [maxPositions, headDim/2]
  const halfDim = d.headDim / 2;
  const cosTab = new Float32Array(d.maxPositions * halfDim);
  const sinTab = new Float32Array(d.maxPositions * halfDim);
  for (let p = 0; p < d.maxPositions; p++) {
    for (let j = 0; j < halfDim; j++) {
      const angle = p / Math.pow(d.ropeTheta, (2 * j) / d.headDim);
      cosTab[p * halfDim + j] = Math.cos(angle);
      sinTab[p * halfDim + j] = Math.sin(angle);
    }
  }
  const table = (name: string, data: Float32Array): string => {
    const gathered = g.op('Gather', [g.initializer(name, dt, [d.maxPositions, halfDim], data), pos]);
    return g.op('Unsqueeze', [g.op('Concat', [gathered, gathered], { axis: -1 }), g.constI64([1])]);
  };

  // mask bias [B,1,S,T]: key column j is visible to query row i (absolute column P+i) iff j <= P+i and mask[j]
  const total = g.op('Squeeze', [g.op('Shape', [mask], { start: 1, end: 2 }), g.constI64([0])]);
  const seq = g.op('Squeeze', [g.op('Shape', [ids], { start: 1, end: 2 }), g.constI64([0])]);
  const one = g.constI64(1, []);
  const keyCols = g.op('Range', [g.constI64(0, []), total, one]);
  const queryCols = g.op('Range', [g.op('Sub', [total, seq]), total, one]);
  const causal = g.op('LessOrEqual', [
    g.op('Unsqueeze', [keyCols, g.constI64([0])]),
    g.op('Unsqueeze', [queryCols, g.constI64([1])]),
  ]);
  const padding = g.op('Unsqueeze', [g.op('Cast', [mask], { to: 9 }), g.constI64([1, 2])]);
  const allowed = g.op('And', [causal, padding]);
  const maskBias = g.op('Where', [allowed, g.constF(0, 'float32', []), g.constF(MASKED, 'float32', [])]);

  const c: DecoderContext = { g, d, weight, cos: table('rope.cos', cosTab), sin: table('rope.sin', sinTab), maskBias };
  let x = g.op('Gather', [weight('model.embed_tokens.weight'), ids]);
  for (let i = 0; i < d.layers; i++) x = decoderLayer(c, i, x);

  // only the last position of each row (left padding puts every row's last token at S-1)
  const last = g.op('Slice', [x, g.constI64([-1]), g.constI64([Number.MAX_SAFE_INTEGER]), g.constI64([1])]);
  const logits = g.op('MatMul', [rmsNorm(c, last, 'model.norm.weight'), weight('lm_head.weight')]);
  g.op('Cast', [logits], { to: 1 }, 'logits');

  g.output('logits', 'float32', ['batch_size', 1, d.vocabSize]);
  for (let i = 0; i < d.layers; i++) {
    for (const kind of ['key', 'value']) {
      g.output(`present.${i}.${kind}`, dt, ['batch_size', d.kvHeads, 'total_sequence_length', d.headDim]);
    }
  }
  return g;
}
