/**
 * The tiny package configurations: `tiny` (compact vocab), `tiny-pure-vocab` (PURE's exact 73,728-id
 * vocab and special ids) and `small` (the benchmark decoder: 8 layers, hidden 512, PURE's vocab).
 */
import type { DecoderShape } from '../decoder/decoder-weights';
import type { SamplingDefaults } from '../manifest';
import { VQ_TINY, type VqConfig } from '../vq/vq-config';
import type { TinyTokenizerLayout } from './tiny-tokenizer';

/** The packages buildTinyPackage knows. */
export const TINY_NAMES = ['tiny', 'tiny-pure-vocab', 'small'] as const;
/** One of TINY_NAMES. */
export type TinyName = (typeof TINY_NAMES)[number];

/** Everything that defines one tiny package. */
export interface TinySpec {
  name: TinyName;
  seed: number;
  decoder: Omit<DecoderShape, 'dtype'>;
  image: { size: number; downsample: number };
  vq: VqConfig;
  tokenizer: TinyTokenizerLayout;
  ids: { bos: number; imageStart: number; imageEnd: number; rowEnd: number; endOfTurn: number };
  sizeToken: { firstId: number; pixelsPerUnit: number };
  sampling: SamplingDefaults;
}

/** PURE's fixed instruction (PURE-PIPELINE.md section 2). */
export const PURE_INSTRUCTION = 'Perceive the degradation level, understand the image content, and restore the high-quality image. ';

const PURE_SAMPLING: SamplingDefaults = {
  cfg: 0.8, temperature: 0.9, kMin: 1, kMax: 2000, mu: 5, textTopK: 1, textBudget: 256, maxNewTokens: 8192,
};

/** PURE's special ids (PURE-PIPELINE.md section 2). */
const PURE_IDS = { bos: 0, imageStart: 8197, imageEnd: 8196, rowEnd: 8803, endOfTurn: 8710 };
const PURE_SPECIALS: Record<number, string> = {
  0: '<s>', 1: '<pad>', 2: '</s>', 3: '<unk>', 8196: '<eoss>', 8197: '<racm3:break>',
  8710: '<reserved08706>', 8803: '<reserved08799>',
};
/** Codes 0..8191 at ids 4..8195 and 8192..16383 at 65536..73727 (PURE's two image-id spans). */
const PURE_CODES = [
  { firstCode: 0, firstId: 4, count: 8192 },
  { firstCode: 8192, firstId: 65536, count: 8192 },
];

function spec(name: TinyName): TinySpec {
  switch (name) {
    case 'tiny': {
      // ids: 0-3 text specials, 4-131 codes 0-127, 132 <eoss>, 133 <racm3:break>, 134 end of turn,
      // 135 row end, 136-151 size tokens, 160-415 bytes, 416-543 codes 128-255
      const specials: Record<number, string> = { 0: '<s>', 1: '<pad>', 2: '</s>', 3: '<unk>', 132: '<eoss>', 133: '<racm3:break>' };
      return {
        name, seed: 1,
        decoder: { layers: 2, hidden: 64, heads: 4, kvHeads: 4, headDim: 16, intermediate: 172, vocabSize: 544, ropeTheta: 10000, normEps: 1e-5, qkNorm: 'layernorm-shared', maxPositions: 8192 },
        image: { size: 64, downsample: 8 },
        vq: VQ_TINY,
        tokenizer: { vocabSize: 544, specials: { ...specials, 134: '<reserved00130>', 135: '<reserved00131>', 144: '<reserved00140>' }, firstByteId: 160, imageCodes: [{ firstCode: 0, firstId: 4, count: 128 }, { firstCode: 128, firstId: 416, count: 128 }] },
        ids: { bos: 0, imageStart: 133, imageEnd: 132, rowEnd: 135, endOfTurn: 134 },
        sizeToken: { firstId: 136, pixelsPerUnit: 8 },
        sampling: { ...PURE_SAMPLING, kMax: 256, textBudget: 16, maxNewTokens: 128 },
      };
    }
    case 'tiny-pure-vocab':
      return {
        name, seed: 2,
        decoder: { layers: 2, hidden: 32, heads: 2, kvHeads: 2, headDim: 16, intermediate: 88, vocabSize: 73728, ropeTheta: 10000, normEps: 1e-5, qkNorm: 'layernorm-shared', maxPositions: 8192 },
        image: { size: 64, downsample: 8 },
        vq: { ...VQ_TINY, codebookSize: 16384 },
        tokenizer: { vocabSize: 73728, specials: { ...PURE_SPECIALS, 8806: '<reserved08802>' }, firstByteId: 9000, imageCodes: PURE_CODES },
        ids: PURE_IDS,
        sizeToken: { firstId: 8804, pixelsPerUnit: 32 },
        sampling: { ...PURE_SAMPLING, textBudget: 16, maxNewTokens: 128 },
      };
    case 'small':
      return {
        name, seed: 3,
        decoder: { layers: 8, hidden: 512, heads: 8, kvHeads: 8, headDim: 64, intermediate: 1376, vocabSize: 73728, ropeTheta: 10000, normEps: 1e-5, qkNorm: 'layernorm-shared', maxPositions: 11776 },
        image: { size: 512, downsample: 8 },
        vq: { ...VQ_TINY, imageSize: 512, codebookSize: 16384 },
        tokenizer: { vocabSize: 73728, specials: { ...PURE_SPECIALS, 8820: '<reserved08816>' }, firstByteId: 9000, imageCodes: PURE_CODES },
        ids: PURE_IDS,
        sizeToken: { firstId: 8804, pixelsPerUnit: 32 },
        sampling: PURE_SAMPLING,
      };
  }
}

/** The spec of a named tiny package; throws listing the valid names otherwise. */
export function tinySpec(name: string): TinySpec {
  if (!(TINY_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown tiny package "${name}": valid names are ${TINY_NAMES.join(', ')}`);
  }
  return spec(name as TinyName);
}
