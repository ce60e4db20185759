/**
 * The model package manifest: the one place every size and special id the pipeline uses comes from.
 * A package is a folder (or `s3://` prefix) holding `manifest.json`, the ONNX files it names and the
 * text tokenizer. The pipeline never hard-codes a PURE constant; it reads them here.
 */
import { z } from 'zod';

/** Bump when a reader of the previous version would misread a package. */
export const MANIFEST_FORMAT_VERSION = 1;

const Id = z.number().int().nonnegative();
const Positive = z.number().int().positive();

/** A run of consecutive image codes mapped to consecutive token ids: code c -> firstId + (c - firstCode). */
export const CodeRange = z.object({ firstCode: Id, firstId: Id, count: Positive });
export type CodeRange = z.infer<typeof CodeRange>;

export const VocabLayout = z.object({
  /** Total logits width of the decoder. */
  size: Positive,
  bos: Id,
  /** Starts an image block (`<racm3:break>` in PURE). */
  imageStart: Id,
  /** Ends an image block (`<eoss>`). */
  imageEnd: Id,
  /** Ends each grid row inside an image block. */
  rowEnd: Id,
  /** Ends a turn; generation stops when it is sampled. */
  endOfTurn: Id,
  /**
   * Size tokens follow the image start: id = firstId + imagePixels / pixelsPerUnit
   * (PURE: `<reservedNNNNN>` has id NNNNN + 4 and n = 512 / 32 = 16 gives 8804 + 16 = 8820).
   */
  sizeToken: z.object({ firstId: Id, pixelsPerUnit: Positive }),
  /** Image code -> token id, as ranges; together they cover codes 0 .. codebookSize - 1 exactly once. */
  imageCodes: z.array(CodeRange).min(1),
  /** File name of the Hugging Face `tokenizer.json` inside the package. */
  tokenizer: z.string().min(1),
});
export type VocabLayout = z.infer<typeof VocabLayout>;

export const DecoderDims = z.object({
  /** ONNX file of the decoder with KV cache (Hugging Face/optimum input and output names). */
  file: z.string().min(1),
  layers: Positive,
  hidden: Positive,
  heads: Positive,
  kvHeads: Positive,
  headDim: Positive,
  intermediate: Positive,
  vocabSize: Positive,
  ropeTheta: z.number().positive(),
  normEps: z.number().positive(),
  /** `layernorm-shared`: LayerNorm over the head dim with one weight and bias shared by all heads (Chameleon). */
  qkNorm: z.enum(['layernorm-shared', 'none']),
  dtype: z.enum(['float32', 'float16']),
  maxPositions: Positive,
});
export type DecoderDims = z.infer<typeof DecoderDims>;

export const VqDims = z.object({
  /** pixels [1,3,S,S] in [-1,1] -> codes [1, grid*grid] int64. */
  encoderFile: z.string().min(1),
  /** codes [1, grid*grid] int64 -> pixels [1,3,S,S] in [-1,1]. */
  decoderFile: z.string().min(1),
  codebookSize: Positive,
  codeDim: Positive,
  dtype: z.enum(['float32', 'float16']),
});
export type VqDims = z.infer<typeof VqDims>;

export const SamplingDefaults = z.object({
  cfg: z.number(),
  temperature: z.number().positive(),
  kMin: Positive,
  kMax: Positive,
  mu: z.number(),
  textTopK: Positive,
  /** Text tokens allowed before the image start is forced. */
  textBudget: Positive,
  /** Generated tokens allowed in all (the reference's max_new_tokens). */
  maxNewTokens: Positive,
});
export type SamplingDefaults = z.infer<typeof SamplingDefaults>;

export const FileEntry = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative() });
export type FileEntry = z.infer<typeof FileEntry>;

export const ModelManifest = z.object({
  format: z.literal('pure-model-package'),
  formatVersion: z.number().int().positive(),
  /** Package name, e.g. `tiny`, `tiny-pure-vocab`, `pure-7b`. Shown in job manifests and metric labels. */
  name: z.string().min(1),
  vocab: VocabLayout,
  image: z.object({
    /** Side of the square image the model reads and writes, in pixels (PURE: 512). */
    size: Positive,
    /** VQ downsample factor (PURE: 8), so grid = size / downsample. */
    downsample: Positive,
  }),
  decoder: DecoderDims,
  vq: VqDims,
  sampling: SamplingDefaults,
  /**
   * The fixed instruction placed before the image in the prompt. `instructionIds`, when present, are the
   * ids the reference tokenizer gives that text (dumped once in Python) and win over encoding it here, so a
   * tokenizer difference between tokenizers.js and the Rust library cannot change the prompt.
   */
  prompt: z.object({ instruction: z.string(), instructionIds: z.array(Id).min(1).optional() }),
  /** sha256 and size of every other file in the package, by file name. */
  files: z.record(z.string(), FileEntry),
});
export type ModelManifest = z.infer<typeof ModelManifest>;

/** Grid side (codes per row and rows per image). */
export function gridOf(m: Pick<ModelManifest, 'image'>): number {
  return m.image.size / m.image.downsample;
}
