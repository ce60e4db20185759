/**
 * Decoder dims from a Hugging Face Chameleon `config.json` (PURE's), and the tensor list PURE's
 * checkpoint must hold for them. Chameleon always has QK-norm; PURE stores each q/k norm weight and
 * bias as [model_parallel_size = 1, headDim], which the graph reads as [headDim].
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { decoderWeightSpecs, type DecoderShape } from '../decoder/decoder-weights';
import type { ExpectedTensor } from './check-tensors';
import { ImportError } from './import-error';

const Positive = z.number().int().positive();

/** About 4.2k prompt tokens + max_new_tokens 8192, rounded up. */
export const MIN_ROPE_POSITIONS = 12_800;

/** The config.json fields the decoder needs (Hugging Face names). */
export const ChameleonConfigJson = z.object({
  num_hidden_layers: Positive,
  hidden_size: Positive,
  num_attention_heads: Positive,
  num_key_value_heads: Positive.optional(),
  intermediate_size: Positive,
  vocab_size: Positive,
  rope_theta: z.number().positive().default(10000),
  rms_norm_eps: z.number().positive().default(1e-5),
  max_position_embeddings: Positive,
  rope_scaling: z.null().optional(),
  attention_bias: z.literal(false).optional(),
  mlp_bias: z.literal(false).optional(),
  tie_word_embeddings: z.literal(false).optional(),
  // The reference's forward pass changes with these; the graph implements the PURE settings only.
  mask_image_logits: z.literal(false, { message: 'must be false: true sets every image logit to -inf' }).optional(),
  swin_norm: z.literal(false, { message: 'must be false: the graph is the pre-norm Chameleon layer' }).optional(),
  hidden_act: z.literal('silu', { message: 'must be silu (SwiGLU)' }).optional(),
});
export type ChameleonConfigJson = z.infer<typeof ChameleonConfigJson>;

/** Reads `<dir>/config.json` into decoder dims; refuses, naming the file and field, what PURE's graph cannot express. */
export async function readPureDecoderShape(dir: string, dtype: DecoderShape['dtype']): Promise<DecoderShape> {
  const path = join(dir, 'config.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new ImportError(`cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
  const parsed = ChameleonConfigJson.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ImportError(`${path}: field ${issue.path.join('.')}: ${issue.message}`);
  }
  const c = parsed.data;
  if (c.hidden_size % c.num_attention_heads !== 0) {
    throw new ImportError(`${path}: hidden_size ${c.hidden_size} does not divide into ${c.num_attention_heads} heads`);
  }
  return {
    layers: c.num_hidden_layers,
    hidden: c.hidden_size,
    heads: c.num_attention_heads,
    kvHeads: c.num_key_value_heads ?? c.num_attention_heads,
    headDim: c.hidden_size / c.num_attention_heads,
    intermediate: c.intermediate_size,
    vocabSize: c.vocab_size,
    ropeTheta: c.rope_theta,
    normEps: c.rms_norm_eps,
    qkNorm: 'layernorm-shared',
    dtype,
    // RoPE is defined at any position and the reference lets max_new_tokens run past
    // max_position_embeddings, so the table must at least hold a 512 px prompt plus 8192 new tokens.
    maxPositions: Math.max(c.max_position_embeddings, MIN_ROPE_POSITIONS),
  };
}

/** Every tensor the decoder graph reads, with the stored shapes PURE's checkpoint may use. */
export function pureExpectedTensors(d: DecoderShape): ExpectedTensor[] {
  return decoderWeightSpecs(d).map(({ name, dims }) => ({
    name,
    shapes: /self_attn\.[qk]_norm\./.test(name) ? [[1, ...dims], dims] : [dims],
  }));
}

/** Tensors PURE's checkpoint may carry that inference does not use: Chameleon's own VQ-VAE. */
export function isDroppedPureTensor(name: string): boolean {
  return name.startsWith('model.vqmodel.');
}
