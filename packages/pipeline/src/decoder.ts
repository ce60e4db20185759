/**
 * The engine interface the generation loop talks to: token sequences, each with its own KV cache, and one
 * forward that appends ids to several sequences at once and returns each one's last-position logits.
 * The per-token host engine (ort-decoder) implements it; an engine that runs many tokens per call can too.
 */

/** One token sequence with its own KV cache; positions run from 0 in the order ids were appended. */
export interface DecoderSequence {
  /** Tokens appended so far (the next token's position). */
  readonly length: number;
}

/** Ids to append to one sequence in a forward. */
export interface ForwardRow {
  seq: DecoderSequence;
  /** At least one id. */
  ids: readonly number[];
}

/** Token sequences with KV caches over one decoder model. */
export interface Decoder {
  /** Width of each logits vector. */
  readonly vocabSize: number;
  /** Largest position the model accepts + 1. */
  readonly maxPositions: number;
  /** Engine calls made so far (ONNX runs for the ORT engines). */
  readonly calls: number;
  /** A new, empty sequence. */
  createSequence(): DecoderSequence;
  /**
   * Appends each row's ids to its sequence and returns each row's logits after its last id, in row order.
   * Rows run in one batched engine call where the engine can. Each array is the caller's to read and
   * overwrite until the next forward.
   */
  forward(rows: readonly ForwardRow[]): Promise<Float32Array[]>;
  /** Drops a sequence's cache; the sequence must not be used again. */
  release(seq: DecoderSequence): void;
  /** Releases every cache and the engine's resources. */
  dispose(): Promise<void>;
}

/** Checks a forward's rows: non-empty ids, no sequence twice, positions within the model's range. */
export function checkRows(rows: readonly ForwardRow[], maxPositions: number): void {
  if (rows.length === 0) throw new Error('forward needs at least one row');
  const seen = new Set<DecoderSequence>();
  for (const r of rows) {
    if (r.ids.length === 0) throw new Error('forward: every row needs at least one id');
    if (seen.has(r.seq)) throw new Error('forward: a sequence appears twice in one call');
    seen.add(r.seq);
    if (r.seq.length + r.ids.length > maxPositions) {
      throw new Error(`sequence would reach ${r.seq.length + r.ids.length} tokens, past the model's ${maxPositions} positions: not retryable`);
    }
  }
}
