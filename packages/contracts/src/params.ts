/** Restoration parameters: the reference implementation's defaults, with bounds checked at the edge. */
import { z } from 'zod';

export const OutputFormat = z.enum(['png', 'webp', 'jpeg']);
export type OutputFormat = z.infer<typeof OutputFormat>;

/** Largest top-k allowed: the number of image codes in PURE's VQ codebook. */
export const MAX_TOP_K = 16384;

const paramsShape = {
  /** Seeds the counter-based sampler; the api picks one at random when absent, so every job is replayable. */
  seed: z.number().int().min(0).max(0xffffffff),
  /** Classifier-free guidance weight g in `g*(cond-uncond)+uncond`; the reference uses 0.8. */
  cfg: z.number().min(0).max(20).default(0.8),
  /** Softmax temperature for image tokens; must be > 0. */
  temperature: z.number().gt(0).max(10).default(0.9),
  /** Dynamic top-k lower bound. */
  kMin: z.number().int().min(1).max(MAX_TOP_K).default(1),
  /** Dynamic top-k upper bound. */
  kMax: z.number().int().min(1).max(MAX_TOP_K).default(2000),
  /** Entropy (nats) at which k is half way between kMin and kMax. */
  mu: z.number().min(0).max(20).default(5),
  /** Top-k for the text phase (1 = greedy, the reference). */
  textTopK: z.number().int().min(1).max(1000).default(1),
  /** Apply the wavelet colour fix against the bicubic input. */
  colorFix: z.boolean().default(true),
  /** Encoding of the output image. */
  output: OutputFormat.default('png'),
};

function kOrder(p: { kMin?: number; kMax?: number }, ctx: z.RefinementCtx) {
  if (p.kMin !== undefined && p.kMax !== undefined && p.kMin > p.kMax) {
    ctx.addIssue({ code: 'custom', path: ['kMin'], message: `kMin (${p.kMin}) must be <= kMax (${p.kMax})` });
  }
}

/** Params as a client sends them: every field optional, unknown fields refused. */
export const ParamsInput = z
  .object({ ...paramsShape, seed: paramsShape.seed.optional() })
  .strict()
  .superRefine(kOrder);
export type ParamsInput = z.input<typeof ParamsInput>;

/**
 * Params as a request carries them, before defaults: every field optional, unknown fields refused.
 * Batch item params are merged over the batch's params and only the merge takes defaults (ParamsInput),
 * so an item may raise kMin past the default kMax when the batch raised kMax.
 */
export const ParamsPatch = z
  .object(Object.fromEntries(Object.entries(paramsShape).map(([k, v]) => [k, unwrapDefault(v).optional()])) as {
    [K in keyof typeof paramsShape]: z.ZodOptional<z.ZodType<z.output<(typeof paramsShape)[K]>>>;
  })
  .strict()
  .superRefine(kOrder);
export type ParamsPatch = z.infer<typeof ParamsPatch>;

function unwrapDefault(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodDefault ? (schema.unwrap() as z.ZodType) : schema;
}

/** Params as a job carries them: every field present. */
export const RestoreParams = z.object(paramsShape).strict().superRefine(kOrder);
export type RestoreParams = z.infer<typeof RestoreParams>;

/** The reference's defaults, without a seed. */
export const DEFAULT_PARAMS: Omit<RestoreParams, 'seed'> = {
  cfg: 0.8,
  temperature: 0.9,
  kMin: 1,
  kMax: 2000,
  mu: 5,
  textTopK: 1,
  colorFix: true,
  output: 'png',
};
