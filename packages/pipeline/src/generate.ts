/**
 * The generation loop (the reference's Path A): greedy-ish text until the image start, forced size tokens,
 * then the image with two KV caches, guided (prompt + text) and unguided (from the image start, positions
 * from 0), both appended in one batched forward per code. Forced tokens (size, row ends, image end) need no
 * logits, so they ride along with the next forward. Every draw uses uniform(seed, branch, position), so a
 * run resumed from a row checkpoint draws exactly what an uninterrupted run would.
 */
import { NonRetryableError } from '@pure/contracts/errors/non-retryable-error';
import type { Decoder, DecoderSequence, ForwardRow } from './decoder';
import type { TokenLayout } from './layout';
import { TokenSampler, type SamplingParams } from './sampler';
import { uniform, Branch } from './rng/philox';
import { checkCheckpoint, checkpointBinding, type GenerationCheckpoint } from './checkpoint';

export type { GenerationCheckpoint } from './checkpoint';

/** Sampling knobs plus the seed; the budgets default to the manifest's sampling defaults (via the layout). */
export interface GenerateParams extends SamplingParams {
  seed: number;
  /** Text tokens allowed before the image start is forced. */
  textBudget?: number;
  /** Generated tokens allowed in all. */
  maxNewTokens?: number;
}

/** One image code as generated. */
export interface TokenRecord {
  /** Index among generated tokens (the draw's position). */
  position: number;
  row: number;
  col: number;
  entropy: number;
  k: number;
  tokenId: number;
  /** Probability of tokenId after top-k and temperature. */
  prob: number;
}

/** Abort, resume and progress hooks of one run. */
export interface GenerateOptions {
  signal?: AbortSignal;
  checkpoint?: GenerationCheckpoint;
  onToken?(r: TokenRecord): void;
  /** Called (and awaited) after each completed image row. */
  onRow?(c: GenerationCheckpoint, rowsDone: number): void | Promise<void>;
}

/** What one run produced. */
export interface GenerateResult {
  textIds: number[];
  /** grid*grid codes, raster order. */
  codes: Int32Array;
  /** Exactly grid*grid records, raster order (resumed ones rebuilt from the checkpoint). */
  records: TokenRecord[];
  /**
   * After the image: the model ended its turn, or it went on with text (not generated: see below), or the
   * token budget ended with the image.
   */
  stoppedBy: 'end-of-turn' | 'image-end' | 'budget';
  /** Tokens taken from the checkpoint instead of generated. */
  resumedTokens: number;
  /** Decoder calls this run made. */
  forwardCalls: number;
}

/** The error an aborted run rejects with: name 'AbortError', the signal's reason as cause (or itself). */
export function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  if (r instanceof Error && r.name === 'AbortError') return r;
  const e = new Error('generation aborted', { cause: r });
  e.name = 'AbortError';
  return e;
}

/** Generates text and image codes for one prompt; see the module comment. */
export async function generate(decoder: Decoder, layout: TokenLayout, promptIds: number[], params: GenerateParams, opts: GenerateOptions = {}): Promise<GenerateResult> {
  if (decoder.vocabSize !== layout.vocabSize) throw new NonRetryableError('model_error', `decoder vocab ${decoder.vocabSize} != layout vocab ${layout.vocabSize}`);
  if (!(Number.isInteger(params.seed) && params.seed >= 0 && params.seed <= 0xffffffff)) throw new NonRetryableError('invalid_params', `seed must be a uint32, got ${params.seed}`);
  const sampler = new TokenSampler(layout, params);
  const mask = sampler.mask;
  const { grid, imageBodyLength: bodyLen } = layout;
  // The budget also stops at the model's last position, so a model that never ends its turn cannot overrun it.
  const maxNew = Math.min(params.maxNewTokens ?? layout.maxNewTokens, decoder.maxPositions - promptIds.length);
  // The text budget shrinks so that the image block always fits: every run yields grid*grid codes.
  const textBudget = Math.min(params.textBudget ?? layout.textBudget, maxNew - 3 - bodyLen);
  if (textBudget < 0) throw new NonRetryableError('invalid_params', `maxNewTokens ${maxNew} (after the ${promptIds.length}-token prompt, within ${decoder.maxPositions} positions) cannot hold one image block of ${3 + bodyLen} tokens`);
  const { signal, onToken, onRow } = opts;
  const checkAbort = () => {
    if (signal?.aborted) throw abortError(signal);
  };
  const callsAtStart = decoder.calls;
  const useCfg = params.cfg !== 1; // g = 1 makes the blend the identity: the unguided branch is skipped

  let textIds: number[] = [];
  let imageIds: number[] = [];
  const entropies: number[] = [];
  const ks: number[] = [];
  const probs: number[] = [];
  const records: TokenRecord[] = [];
  let resumedTokens = 0;
  const G: DecoderSequence = decoder.createSequence();
  let U: DecoderSequence | null = null;
  let pendG: number[];
  let pendU: number[] = [];
  const binding = checkpointBinding(promptIds, params, textBudget, maxNew);
  const snapshot = (): GenerationCheckpoint => ({
    version: 1, binding, textIds: [...textIds], imageIds: [...imageIds], entropies: [...entropies], ks: [...ks], probs: [...probs],
    counter: textIds.length + 1 + imageIds.length,
  });

  try {
    const cp = opts.checkpoint;
    if (cp) {
      checkCheckpoint(cp, layout, (t) => mask.forcedAt(t), binding);
      textIds = [...cp.textIds];
      imageIds = [...cp.imageIds];
      for (let i = 0, pos = textIds.length + 3; i < cp.entropies.length; pos++) {
        const id = imageIds[pos - textIds.length - 1];
        if (id === layout.rowEnd) continue;
        records.push({ position: pos, row: Math.floor(i / grid), col: i % grid, entropy: cp.entropies[i], k: cp.ks[i], tokenId: id, prob: cp.probs[i] });
        entropies.push(cp.entropies[i]);
        ks.push(cp.ks[i]);
        probs.push(cp.probs[i]);
        i++;
      }
      resumedTokens = cp.counter;
      // One prefill forward rebuilds both caches (batched below with the first step).
      pendG = [...promptIds, ...textIds, layout.imageStart, ...imageIds];
      pendU = [layout.imageStart, ...imageIds];
    } else {
      // Text phase: text top-k, no CFG, no mask; the image start is forced when the budget runs out.
      pendG = [...promptIds];
      while (textIds.length < textBudget) {
        checkAbort();
        const [logits] = await decoder.forward([{ seq: G, ids: pendG }]);
        const tok = sampler.sampleText(logits, uniform(params.seed, Branch.text, textIds.length)).id;
        // Deviation: an end of turn before any image would end the job without one; start the image instead.
        if (tok === layout.imageStart || tok === layout.endOfTurn) {
          pendG = [];
          break;
        }
        textIds.push(tok);
        pendG = [tok];
      }
      // Size tokens are forced to this package's grid (the reference trusts the model to emit them).
      pendG.push(layout.imageStart, layout.sizeId, layout.sizeId);
      pendU = [layout.imageStart, layout.sizeId, layout.sizeId];
      imageIds = [layout.sizeId, layout.sizeId];
    }
    if (useCfg) U = decoder.createSequence();
    let n = textIds.length + 1 + imageIds.length; // position of the next draw
    let t = imageIds.length - 2; // image body position
    for (;;) {
      for (let f = t < bodyLen ? mask.forcedAt(t) : -1; f !== -1; f = t < bodyLen ? mask.forcedAt(t) : -1) {
        pendG.push(f);
        pendU.push(f);
        imageIds.push(f);
        t++;
        n++;
        if (f === layout.rowEnd) await onRow?.(snapshot(), Math.round(t / (grid + 1)));
      }
      if (t >= bodyLen) break;
      checkAbort();
      const rows: ForwardRow[] = [{ seq: G, ids: pendG }];
      if (U) rows.push({ seq: U, ids: pendU });
      const [cond, uncond] = await decoder.forward(rows);
      const d = sampler.sampleImage(cond, U ? uncond : null, t, uniform(params.seed, Branch.image, n));
      const i = entropies.length;
      const rec: TokenRecord = { position: n, row: Math.floor(i / grid), col: i % grid, entropy: d.entropy, k: d.k, tokenId: d.id, prob: d.prob };
      records.push(rec);
      entropies.push(d.entropy);
      ks.push(d.k);
      probs.push(d.prob);
      imageIds.push(d.id);
      onToken?.(rec);
      pendG = [d.id];
      pendU = [d.id];
      t++;
      n++;
    }

    // After the image, one step: the image end enters both caches and the model says whether it ends its turn
    // (a real PURE model does: 8710). Text after the image is never used, so it is not generated: a model
    // that rambles on would otherwise cost up to maxNewTokens more steps at the longest contexts.
    let stoppedBy: GenerateResult['stoppedBy'] = 'budget';
    if (n < maxNew) {
      checkAbort();
      const rows: ForwardRow[] = [{ seq: G, ids: pendG }];
      if (U) rows.push({ seq: U, ids: pendU });
      const [logits] = await decoder.forward(rows);
      const tok = sampler.sampleText(logits, uniform(params.seed, Branch.text, n)).id;
      stoppedBy = tok === layout.endOfTurn ? 'end-of-turn' : 'image-end';
    }

    const codes = new Int32Array(records.length);
    for (let i = 0; i < records.length; i++) codes[i] = layout.idToCode[records[i].tokenId];
    return { textIds, codes, records, stoppedBy, resumedTokens, forwardCalls: decoder.calls - callsAtStart };
  } finally {
    decoder.release(G);
    if (U) decoder.release(U);
  }
}
