/**
 * A Hugging Face `tokenizer.json` for tiny packages: byte-level BPE over 256 byte tokens (no merges, so any
 * text encodes), PURE's special tokens at the layout's ids, `IMGIMG<letters>Z` names for image codes (as in
 * Chameleon's tokenizer) and `<reservedNNNNN>` (id = NNNNN + 4) filling every other id.
 */
import type { CodeRange } from '../manifest';

/** Which id holds which token in a tiny tokenizer. */
export interface TinyTokenizerLayout {
  vocabSize: number;
  /** Special tokens by id, e.g. { 0: '<s>', 8196: '<eoss>' }. */
  specials: Record<number, string>;
  /** First of 256 consecutive ids holding the byte-level byte tokens. */
  firstByteId: number;
  imageCodes: CodeRange[];
}

/** GPT-2's byte -> printable character table used by byte-level BPE. */
export function byteLevelAlphabet(): string[] {
  const printable = (b: number): boolean => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const out: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) out.push(String.fromCharCode(printable(b) ? b : 256 + extra++));
  return out;
}

/** Chameleon's image-token name: decimal digits of the code written as letters A..J, then 'Z'. */
export function imageTokenName(code: number): string {
  return `IMGIMG${[...String(code)].map((c) => String.fromCharCode(65 + Number(c))).join('')}Z`;
}

/** The `<reservedNNNNN>` name PURE's vocab gives id NNNNN + 4. */
export function reservedName(id: number): string {
  return `<reserved${String(id - 4).padStart(5, '0')}>`;
}

/** Builds the tokenizer.json object (deterministic key order). */
export function buildTinyTokenizerJson(l: TinyTokenizerLayout): object {
  const names: string[] = new Array(l.vocabSize);
  for (const [id, name] of Object.entries(l.specials)) names[Number(id)] = name;
  for (const r of l.imageCodes) for (let i = 0; i < r.count; i++) names[r.firstId + i] = imageTokenName(r.firstCode + i);
  const alphabet = byteLevelAlphabet();
  for (let b = 0; b < 256; b++) {
    if (names[l.firstByteId + b] !== undefined) throw new Error(`tiny tokenizer: byte id ${l.firstByteId + b} collides`);
    names[l.firstByteId + b] = alphabet[b];
  }
  const vocab: Record<string, number> = {};
  for (let id = 0; id < l.vocabSize; id++) {
    names[id] ??= reservedName(id);
    if (names[id] in vocab) throw new Error(`tiny tokenizer: duplicate token ${names[id]}`);
    vocab[names[id]] = id;
  }
  const added = Object.entries(l.specials)
    .map(([id, content]) => ({ id: Number(id), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }))
    .sort((a, b) => a.id - b.id);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: [],
    },
  };
}
