/**
 * A hand-made Decoder for the generation loop's unit tests: each sequence keeps its ids, and the logits
 * are a deterministic function of them. A legitimate implementation of the interface, not an ORT mock.
 */
import type { Decoder, DecoderSequence, ForwardRow } from '../src/decoder';

export interface FakeSequence extends DecoderSequence {
  ids: number[];
  released: boolean;
}

export interface FakeDecoder extends Decoder {
  /** Every forward's rows (sequence and ids), in call order. */
  log: Array<Array<{ seq: FakeSequence; ids: number[] }>>;
  sequences: FakeSequence[];
}

/** Logits from a function of the sequence's ids. */
export function createFakeDecoder(vocabSize: number, logitsOf: (ids: readonly number[], out: Float32Array) => void): FakeDecoder {
  const log: FakeDecoder['log'] = [];
  const sequences: FakeSequence[] = [];
  return {
    vocabSize,
    maxPositions: 1 << 20,
    log,
    sequences,
    get calls() {
      return log.length;
    },
    createSequence() {
      const s: FakeSequence = { ids: [], released: false, get length() { return this.ids.length; } };
      sequences.push(s);
      return s;
    },
    async forward(rows: readonly ForwardRow[]) {
      log.push(rows.map((r) => ({ seq: r.seq as FakeSequence, ids: [...r.ids] })));
      return rows.map((r) => {
        const s = r.seq as FakeSequence;
        if (s.released) throw new Error('released sequence used');
        s.ids.push(...r.ids);
        const out = new Float32Array(vocabSize);
        logitsOf(s.ids, out);
        return out;
      });
    },
    release(seq) {
      (seq as FakeSequence).released = true;
    },
    async dispose() {},
  };
}

/** A smooth pseudo-random function of the history: every id gets a different, history-dependent logit. */
export function hashLogits(ids: readonly number[], out: Float32Array): void {
  let h = ids.length * 0.131;
  for (let i = Math.max(0, ids.length - 4); i < ids.length; i++) h += ids[i] * (0.071 + i * 0.0003);
  for (let v = 0; v < out.length; v++) out[v] = 2.5 * Math.sin(h + v * 0.618 + Math.cos(v * h * 0.01));
}
