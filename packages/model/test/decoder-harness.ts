/**
 * Test helpers: run a decoder session on explicit rows (ids, positions, mask) with an optional KV cache,
 * and compare logits. Kept free of builder code so tests check the graph from the outside.
 */
import type { DecoderDims } from '../src/manifest';
import { tensor, type OrtSession, type Tensor } from '../src/session';

export interface DecoderRun {
  logits: Float32Array;
  present: Record<string, Tensor>;
}

const i64 = (xs: number[]): BigInt64Array => BigInt64Array.from(xs.map(BigInt));

/**
 * One decoder call. `ids`/`positions` are [B][S]; `mask` is [B][P+S]; `past` maps
 * `past_key_values.i.key|value` to tensors (empty P=0 tensors when omitted).
 */
export async function runDecoder(
  s: OrtSession,
  d: DecoderDims,
  ids: number[][],
  positions: number[][],
  mask: number[][],
  past?: Record<string, Tensor>,
): Promise<DecoderRun> {
  const B = ids.length;
  const S = ids[0].length;
  const feeds: Record<string, Tensor> = {
    input_ids: tensor('int64', i64(ids.flat()), [B, S]),
    position_ids: tensor('int64', i64(positions.flat()), [B, S]),
    attention_mask: tensor('int64', i64(mask.flat()), [B, mask[0].length]),
  };
  for (let i = 0; i < d.layers; i++) {
    for (const kind of ['key', 'value']) {
      const name = `past_key_values.${i}.${kind}`;
      feeds[name] =
        past?.[`present.${i}.${kind}`] ??
        (d.dtype === 'float16'
          ? tensor('float16', new Uint16Array(0), [B, d.kvHeads, 0, d.headDim])
          : tensor('float32', new Float32Array(0), [B, d.kvHeads, 0, d.headDim]));
    }
  }
  const out = await s.run(feeds);
  const present: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(out)) if (k.startsWith('present.')) present[k] = v;
  return { logits: out.logits.data as Float32Array, present };
}

/** max |a - b| / max |b|: error relative to the largest reference logit. */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

/** Deterministic pseudo-random ids in [0, vocab) for test sequences. */
export function testIds(n: number, vocab: number, salt: number): number[] {
  return Array.from({ length: n }, (_, i) => (Math.imul(i + 1, 2654435761) + salt * 40503) >>> 0).map((x) => x % vocab);
}

export const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);
