/** Hand-written manifests for tests: PURE's real ids, and a compact one with a 4x4 grid. */
import type { ModelManifest } from '@pure/model/manifest';

const sha = '0'.repeat(64);

function base(name: string): Omit<ModelManifest, 'vocab' | 'image' | 'decoder' | 'vq'> {
  return {
    format: 'pure-model-package',
    formatVersion: 1,
    name,
    sampling: { cfg: 0.8, temperature: 0.9, kMin: 1, kMax: 2000, mu: 5, textTopK: 1, textBudget: 256, maxNewTokens: 8192 },
    prompt: { instruction: 'Perceive the degradation level, understand the image content, and restore the high-quality image. ' },
    files: { 'decoder.onnx': { sha256: sha, bytes: 0 } },
  };
}

/** PURE's ids as PURE-PIPELINE.md section 2 lists them. */
export const pureManifest: ModelManifest = {
  ...base('pure-ids'),
  vocab: {
    size: 73728,
    bos: 0,
    imageStart: 8197,
    imageEnd: 8196,
    rowEnd: 8803,
    endOfTurn: 8710,
    sizeToken: { firstId: 8804, pixelsPerUnit: 32 },
    imageCodes: [
      { firstCode: 0, firstId: 4, count: 8192 },
      { firstCode: 8192, firstId: 65536, count: 8192 },
    ],
    tokenizer: 'tokenizer.json',
  },
  image: { size: 512, downsample: 8 },
  decoder: {
    file: 'decoder.onnx', layers: 32, hidden: 4096, heads: 32, kvHeads: 32, headDim: 128, intermediate: 11008,
    vocabSize: 73728, ropeTheta: 10000, normEps: 1e-5, qkNorm: 'layernorm-shared', dtype: 'float16', maxPositions: 11776,
  },
  vq: { encoderFile: 'vq-encoder.onnx', decoderFile: 'vq-decoder.onnx', codebookSize: 16384, codeDim: 8, dtype: 'float32' },
};

/**
 * A compact vocab of 40 ids: 0 bos, 1 image start, 2 image end, 3 row end, 4 end of turn, 5..9 size tokens
 * (firstId 5, 8 px per unit: 32 px -> id 9), 10..19 text, codes 0..7 at ids 20..27 and codes 8..15 at ids 32..39
 * (a gap at 28..31). Image 32 px, downsample 8: a 4x4 grid.
 */
export function compactManifest(sampling: Partial<ModelManifest['sampling']> = {}): ModelManifest {
  const b = base('compact');
  return {
    ...b,
    sampling: { ...b.sampling, kMax: 16, textBudget: 6, maxNewTokens: 64, ...sampling },
    vocab: {
      size: 40,
      bos: 0,
      imageStart: 1,
      imageEnd: 2,
      rowEnd: 3,
      endOfTurn: 4,
      sizeToken: { firstId: 5, pixelsPerUnit: 8 },
      imageCodes: [
        { firstCode: 8, firstId: 32, count: 8 },
        { firstCode: 0, firstId: 20, count: 8 },
      ],
      tokenizer: 'tokenizer.json',
    },
    image: { size: 32, downsample: 8 },
    decoder: {
      file: 'decoder.onnx', layers: 1, hidden: 8, heads: 2, kvHeads: 2, headDim: 4, intermediate: 16,
      vocabSize: 40, ropeTheta: 10000, normEps: 1e-5, qkNorm: 'none', dtype: 'float32', maxPositions: 256,
    },
    vq: { encoderFile: 'vq-encoder.onnx', decoderFile: 'vq-decoder.onnx', codebookSize: 16, codeDim: 4, dtype: 'float32' },
  };
}
