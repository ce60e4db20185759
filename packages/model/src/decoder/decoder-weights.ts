/**
 * The decoder's weights by Hugging Face Chameleon name, in checkpoint layout (linear weights [out, in]),
 * which is what the graph builder asks a weight source for. QK-norm weight and bias are ONE [headDim]
 * vector each, shared by all heads (PURE stores [1, headDim]: an importer squeezes the leading 1).
 */
import type { DecoderDims } from '../manifest';

/** Decoder dims without the file name: what the graph builder needs. */
export type DecoderShape = Omit<DecoderDims, 'file'>;

/** Returns one float32 tensor in checkpoint layout; called lazily, once per tensor, at write time. */
export type DecoderWeightSource = (name: string, dims: number[]) => Float32Array;

/** A weight's name and checkpoint-layout dims. */
export interface WeightSpec { name: string; dims: number[] }

/** Every weight the decoder graph reads, in a stable order, with checkpoint-layout dims. */
export function decoderWeightSpecs(d: DecoderShape): WeightSpec[] {
  const q = d.heads * d.headDim;
  const kv = d.kvHeads * d.headDim;
  const specs: WeightSpec[] = [{ name: 'model.embed_tokens.weight', dims: [d.vocabSize, d.hidden] }];
  for (let i = 0; i < d.layers; i++) {
    const p = `model.layers.${i}.`;
    specs.push(
      { name: `${p}input_layernorm.weight`, dims: [d.hidden] },
      { name: `${p}self_attn.q_proj.weight`, dims: [q, d.hidden] },
      { name: `${p}self_attn.k_proj.weight`, dims: [kv, d.hidden] },
      { name: `${p}self_attn.v_proj.weight`, dims: [kv, d.hidden] },
      { name: `${p}self_attn.o_proj.weight`, dims: [d.hidden, q] },
    );
    if (d.qkNorm === 'layernorm-shared') {
      specs.push(
        { name: `${p}self_attn.q_norm.weight`, dims: [d.headDim] },
        { name: `${p}self_attn.q_norm.bias`, dims: [d.headDim] },
        { name: `${p}self_attn.k_norm.weight`, dims: [d.headDim] },
        { name: `${p}self_attn.k_norm.bias`, dims: [d.headDim] },
      );
    }
    specs.push(
      { name: `${p}post_attention_layernorm.weight`, dims: [d.hidden] },
      { name: `${p}mlp.gate_proj.weight`, dims: [d.intermediate, d.hidden] },
      { name: `${p}mlp.up_proj.weight`, dims: [d.intermediate, d.hidden] },
      { name: `${p}mlp.down_proj.weight`, dims: [d.hidden, d.intermediate] },
    );
  }
  specs.push({ name: 'model.norm.weight', dims: [d.hidden] }, { name: 'lm_head.weight', dims: [d.vocabSize, d.hidden] });
  return specs;
}

/** [rows, cols] row-major to [cols, rows]: checkpoint [out, in] to MatMul's [in, out]. */
export function transpose2d(src: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(src.length);
  const B = 64; // blocked for cache locality on large matrices
  for (let r0 = 0; r0 < rows; r0 += B) {
    for (let c0 = 0; c0 < cols; c0 += B) {
      const r1 = Math.min(rows, r0 + B);
      const c1 = Math.min(cols, c0 + B);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out[c * rows + r] = src[r * cols + c];
    }
  }
  return out;
}
