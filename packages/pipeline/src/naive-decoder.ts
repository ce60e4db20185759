/**
 * The benchmark baseline: what a straightforward port does. Each sequence keeps its own KV cache as plain
 * arrays, rows run one at a time (batch 1, like the reference's two sequential forwards per image token),
 * and every step copies the whole returned cache into the sequence's storage.
 */
import { tensor, type OrtSession, type Tensor } from '@pure/model/session';
import type { DecoderDims } from '@pure/model/manifest';
import { checkRows, type Decoder, type DecoderSequence, type ForwardRow } from './decoder';
import { splitLogits } from './ort-decoder';

type KvData = Float32Array | Uint16Array;

class NaiveSequence implements DecoderSequence {
  length = 0;
  kv: KvData[] | null = null;
}

/** A Decoder that copies each sequence's KV cache at every step (bench baseline only). */
export function createNaiveDecoder(session: OrtSession, dims: DecoderDims): Decoder {
  const { layers, kvHeads: H, headDim: D, dtype } = dims;
  const kvTensor = (data: KvData, len: number): Tensor =>
    dtype === 'float16' ? tensor('float16', data as Uint16Array, [1, H, len, D]) : tensor('float32', data as Float32Array, [1, H, len, D]);
  const empty = (): KvData => (dtype === 'float16' ? new Uint16Array(0) : new Float32Array(0));
  let calls = 0;

  async function runOne(s: NaiveSequence, ids: readonly number[]): Promise<Float32Array> {
    const n = ids.length;
    const feeds: Record<string, Tensor> = {
      input_ids: tensor('int64', BigInt64Array.from(ids, (x) => BigInt(x)), [1, n]),
      position_ids: tensor('int64', BigInt64Array.from(ids, (_, j) => BigInt(s.length + j)), [1, n]),
      attention_mask: tensor('int64', new BigInt64Array(s.length + n).fill(1n), [1, s.length + n]),
    };
    for (let i = 0; i < layers; i++) {
      feeds[`past_key_values.${i}.key`] = kvTensor(s.kv ? s.kv[2 * i] : empty(), s.length);
      feeds[`past_key_values.${i}.value`] = kvTensor(s.kv ? s.kv[2 * i + 1] : empty(), s.length);
    }
    const out = await session.run(feeds);
    calls++;
    const kv: KvData[] = [];
    // The copy this baseline exists to measure: the whole cache, every step.
    for (let i = 0; i < layers; i++) kv.push((out[`present.${i}.key`].data as KvData).slice(), (out[`present.${i}.value`].data as KvData).slice());
    s.kv = kv;
    s.length += n;
    return splitLogits(out.logits, 1, dims.vocabSize)[0];
  }

  return {
    vocabSize: dims.vocabSize,
    maxPositions: dims.maxPositions,
    get calls() {
      return calls;
    },
    createSequence: () => new NaiveSequence(),
    async forward(rows: readonly ForwardRow[]) {
      checkRows(rows, dims.maxPositions);
      const out: Float32Array[] = [];
      for (const r of rows) out.push(await runOne(r.seq as NaiveSequence, r.ids));
      return out;
    },
    release(seq: DecoderSequence) {
      (seq as NaiveSequence).kv = null;
    },
    async dispose() {
      await session.dispose();
    },
  };
}
