/**
 * The shape of a LlamaGen VQ model (`tokenizer/tokenizer_image/vq_model.py`): channel widths per level,
 * residual blocks per level, codebook size and code dim. `VQ_8` is what PURE uses; tiny configs keep the
 * same structure at small widths so tests exercise every block.
 */
import { z } from 'zod';

const Positive = z.number().int().positive();

export const VqConfig = z
  .object({
    /** Side of the square image, pixels. */
    imageSize: Positive,
    /** Base channel count (`ch`): level i has ch * chMult[i] channels. */
    ch: Positive,
    /** Encoder channel multipliers; the downsample factor is 2^(length - 1). */
    encoderChMult: z.array(Positive).min(1),
    /** Decoder channel multipliers, listed from the highest resolution like the encoder's. */
    decoderChMult: z.array(Positive).min(1),
    /** ResnetBlocks per encoder level (LlamaGen: 2); the decoder has one more per level. */
    numResBlocks: Positive,
    zChannels: Positive,
    codebookSize: Positive,
    codeDim: Positive,
    /** GroupNorm groups (LlamaGen: 32); every channel count must divide by it. */
    groups: Positive,
  })
  .superRefine((c, ctx) => {
    for (const mult of [...c.encoderChMult, ...c.decoderChMult]) {
      if ((c.ch * mult) % c.groups !== 0) ctx.addIssue({ code: 'custom', message: `channels ${c.ch * mult} do not divide into ${c.groups} groups` });
    }
    if (c.encoderChMult.length !== c.decoderChMult.length) ctx.addIssue({ code: 'custom', message: 'encoder and decoder need the same number of levels' });
    if (c.imageSize % 2 ** (c.encoderChMult.length - 1) !== 0) ctx.addIssue({ code: 'custom', message: 'imageSize must divide by the downsample factor' });
  });
export type VqConfig = z.infer<typeof VqConfig>;

/** GroupNorm epsilon, fixed by LlamaGen's `Normalize`. */
export const VQ_NORM_EPS = 1e-6;

/** LlamaGen VQ-8 at PURE's 512 px: 64x64 codes from a 16384 x 8 codebook. */
export const VQ_8: VqConfig = {
  imageSize: 512, ch: 128, encoderChMult: [1, 2, 2, 4], decoderChMult: [1, 2, 2, 4], numResBlocks: 2,
  zChannels: 256, codebookSize: 16384, codeDim: 8, groups: 32,
};

/** A VQ-8-shaped model small enough to build and run in well under a second: 64 px, 8x8 codes. */
export const VQ_TINY: VqConfig = {
  imageSize: 64, ch: 8, encoderChMult: [1, 2, 2, 4], decoderChMult: [1, 2, 2, 4], numResBlocks: 2,
  zChannels: 16, codebookSize: 256, codeDim: 8, groups: 4,
};

/** Downsample factor: image pixels per code along each side. */
export function vqDownsample(c: VqConfig): number {
  return 2 ** (c.encoderChMult.length - 1);
}

/** Codes per side. */
export function vqGrid(c: VqConfig): number {
  return c.imageSize / vqDownsample(c);
}
