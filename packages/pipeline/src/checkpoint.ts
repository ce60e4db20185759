/** The generation checkpoint: what a retried job needs to rebuild its caches and draw the same uniforms. */
import { createHash } from 'node:crypto';
import { NonRetryableError } from '@pure/contracts/errors/non-retryable-error';
import type { TokenLayout } from './layout';
import type { SamplingParams } from './sampler';

/**
 * Taken after each completed image row. Arrays are in generation order; the per-code arrays have one
 * entry per image code so far (raster order).
 */
export interface GenerationCheckpoint {
  version: 1;
  /**
   * sha256 of the prompt ids (so the input's VQ codes) and the sampling settings. A retry re-encodes the
   * input, maybe on another execution provider; a codebook near-tie could change a code, and the saved
   * prefix would then continue another prompt. Such a checkpoint is refused: the job starts over.
   */
  binding: string;
  /** Generated ids before the image start. */
  textIds: number[];
  /** Generated ids after the image start: the two size tokens, then codes and row ends. */
  imageIds: number[];
  entropies: number[];
  ks: number[];
  /** Sampling probability of each code (so resumed records are complete). */
  probs: number[];
  /** Position of the next draw = tokens generated so far (textIds + image start + imageIds). */
  counter: number;
}

function bad(why: string): never {
  throw new NonRetryableError('invalid_job_data', `generation checkpoint is unusable (${why}): drop it and start over`);
}

/** What a checkpoint must have been taken with: the prompt and every setting that changes a draw. */
export function checkpointBinding(promptIds: readonly number[], params: SamplingParams & { seed: number }, textBudget: number, maxNew: number): string {
  const { seed, cfg, temperature, kMin, kMax, mu, textTopK } = params;
  const settings = JSON.stringify({ seed, cfg, temperature, kMin, kMax, mu, textTopK, textBudget, maxNew });
  return createHash('sha256').update(Int32Array.from(promptIds)).update(settings).digest('hex');
}

/** Checks a checkpoint against the layout and binding; throws NonRetryableError('invalid_job_data') naming the problem. */
export function checkCheckpoint(c: GenerationCheckpoint, layout: TokenLayout, forcedAt: (t: number) => number, binding: string): void {
  if (c?.version !== 1) bad(`version ${JSON.stringify(c?.version)}`);
  if (c.binding !== binding) bad('it was taken for another prompt or other sampling settings');
  for (const k of ['textIds', 'imageIds', 'entropies', 'ks', 'probs'] as const) {
    if (!Array.isArray(c[k])) bad(`${k} is not an array`);
  }
  if (c.imageIds.length < 2 || c.imageIds[0] !== layout.sizeId || c.imageIds[1] !== layout.sizeId) bad('it does not start with the two size tokens');
  const body = c.imageIds.length - 2;
  if (body > layout.imageBodyLength) bad('more image tokens than an image holds');
  let codes = 0;
  for (let t = 0; t < body; t++) {
    const id = c.imageIds[t + 2];
    const forced = forcedAt(t);
    if (forced !== -1 ? id !== forced : !(layout.idToCode[id] >= 0)) bad(`token ${id} at image position ${t}`);
    if (forced === -1) codes++;
  }
  if (c.entropies.length !== codes || c.ks.length !== codes || c.probs.length !== codes) bad(`${codes} codes but ${c.entropies.length}/${c.ks.length}/${c.probs.length} entropies/ks/probs`);
  for (const id of c.textIds) if (!(Number.isInteger(id) && id >= 0 && id < layout.vocabSize)) bad(`text id ${id}`);
  if (c.counter !== c.textIds.length + 1 + c.imageIds.length) bad(`counter ${c.counter} does not match ${c.textIds.length + 1 + c.imageIds.length} generated tokens`);
}
