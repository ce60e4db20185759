/**
 * Batched KV caches of several sequences: per layer a key and a value tensor [B, kvHeads, width, headDim]
 * exactly as ORT returned them, and per row a mask of which columns hold real tokens (LEFT padding and
 * the padding of shorter rows in a multi-token step are 0). Joining sequences into a new group is the one
 * place KV data is copied.
 */
import { tensor, type Tensor } from '@pure/model/session';

/** KV tensor geometry of one decoder. */
export interface KvLayout {
  layers: number;
  kvHeads: number;
  headDim: number;
  dtype: 'float32' | 'float16';
}

type KvData = Float32Array | Uint16Array;

function kvTensor(dtype: KvLayout['dtype'], data: KvData, dims: number[]): Tensor {
  return dtype === 'float16' ? tensor('float16', data as Uint16Array, dims) : tensor('float32', data as Float32Array, dims);
}

/** Runs of real columns [start, length) in a row mask. */
function runsOf(mask: Uint8Array): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (let j = 0; j < mask.length; j++) {
    if (!mask[j]) continue;
    const start = j;
    while (j + 1 < mask.length && mask[j + 1]) j++;
    runs.push([start, j + 1 - start]);
  }
  return runs;
}

/** The shared KV state of the sequences in one batch, in row order. */
export class KvGroup<S> {
  /** Row order; null marks a member that left (released or moved to another group). */
  readonly members: (S | null)[];
  width: number;
  masks: Uint8Array[];
  /** 2 * layers tensors (key, value per layer); null while width is 0. */
  private kv: Tensor[] | null;

  private constructor(members: S[], width: number, masks: Uint8Array[], kv: Tensor[] | null, private readonly layout: KvLayout) {
    this.members = members;
    this.width = width;
    this.masks = masks;
    this.kv = kv;
  }

  /** True when the group's rows are exactly these sequences in this order. */
  isExactly(seqs: readonly S[]): boolean {
    return this.members.length === seqs.length && seqs.every((s, i) => this.members[i] === s);
  }

  /**
   * A new group of `seqs` (row order as given), each row's real columns gathered from its current group
   * (null for an empty sequence) and LEFT-padded to the longest. The sequences leave their old groups.
   */
  static join<S>(seqs: readonly S[], layout: KvLayout, groupOf: (s: S) => KvGroup<S> | null): KvGroup<S> {
    const sources = seqs.map((s) => {
      const g = groupOf(s);
      const row = g ? g.members.indexOf(s) : -1;
      const runs = g && row >= 0 ? runsOf(g.masks[row]) : [];
      return { g, row, runs, len: runs.reduce((a, r) => a + r[1], 0) };
    });
    const B = seqs.length;
    const W = Math.max(...sources.map((s) => s.len));
    const masks = sources.map((s) => {
      const m = new Uint8Array(W);
      m.fill(1, W - s.len);
      return m;
    });
    let kv: Tensor[] | null = null;
    if (W > 0) {
      const { layers, kvHeads: H, headDim: D } = layout;
      kv = [];
      for (let t = 0; t < 2 * layers; t++) {
        const proto = sources.find((s) => s.g && s.len)!.g!.kv![t].data as KvData;
        const dst = new (proto.constructor as { new (n: number): KvData })(B * H * W * D);
        for (let b = 0; b < B; b++) {
          const s = sources[b];
          if (!s.len) continue;
          const src = s.g!.kv![t].data as KvData;
          const Wold = s.g!.width;
          for (let h = 0; h < H; h++) {
            let at = ((b * H + h) * W + (W - s.len)) * D;
            for (const [start, n] of s.runs) {
              const from = ((s.row * H + h) * Wold + start) * D;
              dst.set(src.subarray(from, from + n * D), at);
              at += n * D;
            }
          }
        }
        kv.push(kvTensor(layout.dtype, dst, [B, H, W, D]));
      }
    }
    for (let b = 0; b < B; b++) sources[b].g?.leave(seqs[b]);
    return new KvGroup<S>([...seqs], W, masks, kv, layout);
  }

  /** Adds past_key_values.{i}.key|value to a feed (empty [B, H, 0, D] tensors while width is 0). */
  addFeeds(feeds: Record<string, Tensor>): void {
    const { layers, kvHeads: H, headDim: D, dtype } = this.layout;
    const B = this.members.length;
    for (let i = 0; i < layers; i++) {
      for (const [k, kind] of [[0, 'key'], [1, 'value']] as const) {
        feeds[`past_key_values.${i}.${kind}`] = this.kv
          ? this.kv[2 * i + k]
          : kvTensor(dtype, dtype === 'float16' ? new Uint16Array(0) : new Float32Array(0), [B, H, 0, D]);
      }
    }
  }

  /** Keeps the present tensors of a run that appended n columns; real[b][j] says whether row b's column j is a token. */
  takePresent(out: Record<string, Tensor>, real: readonly Uint8Array[], n: number): void {
    const kv: Tensor[] = [];
    for (let i = 0; i < this.layout.layers; i++) kv.push(out[`present.${i}.key`], out[`present.${i}.value`]);
    if (kv.some((t) => !t)) throw new Error('decoder outputs lack present.{i}.key|value');
    this.kv = kv;
    const W = this.width + n;
    this.masks = this.masks.map((m, b) => {
      const next = new Uint8Array(W);
      next.set(m);
      next.set(real[b], this.width);
      return next;
    });
    this.width = W;
  }

  /** Removes a member; the tensors go when the last member leaves. */
  leave(s: S): void {
    const i = this.members.indexOf(s);
    if (i >= 0) this.members[i] = null;
    if (this.members.every((m) => m === null)) this.kv = null;
  }
}
