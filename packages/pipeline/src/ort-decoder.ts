/**
 * The per-token host engine on onnxruntime: sequences share batched KV tensors ("groups"); a forward over
 * exactly a group's sequences, in the same order, feeds the KV tensors ORT returned straight back (no copy
 * in JS). Only when rows are joined or split are the caches gathered into a new, LEFT-padded batch.
 * Padding slots carry attention_mask 0; the graph's causal mask works over columns, so rows of different
 * lengths share a batch. Whether rows batch is a cost decision (OrtDecoderOptions.batch); long appends
 * run in chunks. fp16 packages return float16 KV, which is passed through untouched.
 */
import { tensor, type OrtSession, type Tensor } from '@pure/model/session';
import type { DecoderDims } from '@pure/model/manifest';
import { checkRows, type Decoder, type DecoderSequence, type ForwardRow } from './decoder';
import { KvGroup, type KvLayout } from './kv-group';

class OrtSequence implements DecoderSequence {
  length = 0;
  group: KvGroup<OrtSequence> | null = null;
  released = false;
}

/** Options for createOrtDecoder. */
export interface OrtDecoderOptions {
  /**
   * true: rows share one LEFT-padded batched call; false: one call per row. 'auto' (default) batches
   * unless the padding would cost more memory traffic than the weight pass batching saves: for the 7B
   * model the guided/unguided pair is always batched; for a small model on CPU with a long prompt, the
   * unguided row (thousands of tokens shorter) runs on its own.
   */
  batch?: boolean | 'auto';
  /** Dispose the session with the decoder (default true). */
  ownsSession?: boolean;
  /**
   * Most new columns per ONNX call (default 1024): a longer append (a prefill) runs in chunks, which
   * bounds the [rows, heads, new, total] attention scores and is faster than one huge call.
   */
  chunk?: number;
}

/** A Decoder over a decoder ONNX session with Hugging Face/optimum IO names. */
export function createOrtDecoder(session: OrtSession, dims: DecoderDims, opts: OrtDecoderOptions = {}): Decoder {
  return new OrtDecoder(session, dims, opts);
}

class OrtDecoder implements Decoder {
  readonly vocabSize: number;
  readonly maxPositions: number;
  calls = 0;
  private readonly kv: KvLayout;
  private readonly batch: boolean | 'auto';
  /** Bytes the weight matrices take (read once per call) and one token's KV bytes per row. */
  private readonly weightBytes: number;
  private readonly kvBytesPerToken: number;

  constructor(
    private readonly session: OrtSession,
    dims: DecoderDims,
    private readonly opts: OrtDecoderOptions,
  ) {
    this.vocabSize = dims.vocabSize;
    this.maxPositions = dims.maxPositions;
    this.kv = { layers: dims.layers, kvHeads: dims.kvHeads, headDim: dims.headDim, dtype: dims.dtype };
    this.batch = opts.batch ?? 'auto';
    const bytes = dims.dtype === 'float16' ? 2 : 4;
    const perLayer = dims.hidden * (dims.heads + 2 * dims.kvHeads) * dims.headDim + dims.heads * dims.headDim * dims.hidden + 3 * dims.hidden * dims.intermediate;
    this.weightBytes = (dims.layers * perLayer + dims.vocabSize * dims.hidden) * bytes;
    this.kvBytesPerToken = dims.layers * 2 * dims.kvHeads * dims.headDim * bytes;
    const want = ['input_ids', 'attention_mask', 'position_ids', 'past_key_values.0.key'];
    const missing = want.filter((n) => !session.inputNames.includes(n));
    if (missing.length || !session.outputNames.includes('logits')) {
      throw new Error(`decoder graph lacks inputs ${missing.join(', ') || '(none)'} or output logits: not a KV-cache decoder`);
    }
  }

  createSequence(): DecoderSequence {
    return new OrtSequence();
  }

  async forward(rows: readonly ForwardRow[]): Promise<Float32Array[]> {
    checkRows(rows, this.maxPositions);
    const seqs = rows.map((r) => r.seq as OrtSequence);
    for (const s of seqs) if (!(s instanceof OrtSequence) || s.released) throw new Error('forward: unknown or released sequence');
    if (rows.length > 1 && !this.batches(rows)) {
      const out: Float32Array[] = [];
      for (const r of rows) out.push(...(await this.forward([r])));
      return out;
    }
    let group = seqs[0].group;
    if (!group || !group.isExactly(seqs)) group = KvGroup.join(seqs, this.kv, (s) => s.group);
    for (const s of seqs) s.group = group;

    const B = seqs.length;
    const N = Math.max(...rows.map((r) => r.ids.length));
    const C = Math.max(1, this.opts.chunk ?? 1024);
    let logits: Tensor | undefined;
    // Columns [c0, c0 + n) of the LEFT-padded [B, N] id matrix per call: every row's last id is in column N-1.
    for (let c0 = 0; c0 < N; c0 += C) {
      const n = Math.min(C, N - c0);
      const W = group.width;
      const ids = new BigInt64Array(B * n);
      const pos = new BigInt64Array(B * n);
      const mask = new BigInt64Array(B * (W + n));
      const real: Uint8Array[] = [];
      for (let b = 0; b < B; b++) {
        const r = rows[b];
        const pad = N - r.ids.length;
        const isReal = new Uint8Array(n);
        for (let j = 0; j < n; j++) {
          const k = c0 + j - pad; // index into r.ids, negative in the padding
          if (k < 0) continue;
          ids[b * n + j] = BigInt(r.ids[k]);
          pos[b * n + j] = BigInt(seqs[b].length + k);
          isReal[j] = 1;
        }
        real.push(isReal);
        const m = group.masks[b];
        for (let j = 0; j < W; j++) if (m[j]) mask[b * (W + n) + j] = 1n;
        for (let j = 0; j < n; j++) if (isReal[j]) mask[b * (W + n) + W + j] = 1n;
      }
      const feeds: Record<string, Tensor> = {
        input_ids: tensor('int64', ids, [B, n]),
        position_ids: tensor('int64', pos, [B, n]),
        attention_mask: tensor('int64', mask, [B, W + n]),
      };
      group.addFeeds(feeds);
      const out = await this.session.run(feeds);
      this.calls++;
      group.takePresent(out, real, n);
      logits = out.logits;
    }
    for (let b = 0; b < B; b++) seqs[b].length += rows[b].ids.length;
    return splitLogits(logits!, B, this.vocabSize);
  }

  /** Whether these rows run as one call (see OrtDecoderOptions.batch). */
  private batches(rows: readonly ForwardRow[]): boolean {
    if (this.batch !== 'auto') return this.batch;
    const total = rows.map((r) => r.seq.length + r.ids.length);
    const max = Math.max(...total);
    const padTokens = total.reduce((a, t) => a + (max - t), 0);
    // Padding is read and written by the KV concat and copied out of ORT: about 3 passes over its bytes.
    return 3 * padTokens * this.kvBytesPerToken < this.weightBytes;
  }

  release(seq: DecoderSequence): void {
    const s = seq as OrtSequence;
    s.released = true;
    s.group?.leave(s);
    s.group = null;
  }

  async dispose(): Promise<void> {
    if (this.opts.ownsSession ?? true) await this.session.dispose();
  }
}

/** Row views of logits [B,1,V] float32 (no copy). */
export function splitLogits(t: Tensor, B: number, V: number): Float32Array[] {
  if (t.type !== 'float32') throw new Error(`decoder logits are ${t.type}, expected float32`);
  const data = t.data as Float32Array;
  if (data.length !== B * V) throw new Error(`decoder logits have ${data.length} values, expected ${B}x${V}`);
  const rows: Float32Array[] = [];
  for (let b = 0; b < B; b++) rows.push(data.subarray(b * V, (b + 1) * V));
  return rows;
}
