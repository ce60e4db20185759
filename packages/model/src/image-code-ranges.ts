/**
 * Image code -> token id ranges parsed from a tokenizer.json's `IMGIMG...` vocabulary entries
 * (Chameleon/PURE: `IMGIMG` + the code's decimal digits written as letters A..J + one trailing letter).
 * PURE-PIPELINE.md says to build this table from the tokenizer, not from an offset formula.
 */
import type { CodeRange } from './manifest';

const IMAGE_TOKEN = /^IMGIMG([A-J]+)[A-Z]$/;

/** Parses the code of one image-token name, or undefined when the name is not one. */
export function imageCodeOfToken(name: string): number | undefined {
  const m = IMAGE_TOKEN.exec(name);
  if (!m) return undefined;
  return Number([...m[1]].map((c) => c.charCodeAt(0) - 65).join(''));
}

/**
 * Runs of consecutive codes at consecutive ids, sorted by code. Throws when codes repeat or do not
 * cover 0 .. n-1 exactly (a tokenizer that cannot map every code is unusable).
 */
export function imageCodeRangesFromTokenizer(json: unknown): CodeRange[] {
  const vocab = (json as { model?: { vocab?: unknown } })?.model?.vocab;
  if (!vocab || typeof vocab !== 'object') throw new Error('tokenizer.json has no model.vocab object');
  const entries = Array.isArray(vocab)
    ? (vocab as [string, number][]).map(([name], id) => [name, id] as const) // Unigram-style [piece, score] list
    : Object.entries(vocab as Record<string, number>);
  const idByCode = new Map<number, number>();
  for (const [name, id] of entries) {
    const code = imageCodeOfToken(name);
    if (code === undefined) continue;
    if (idByCode.has(code)) throw new Error(`tokenizer.json: image code ${code} appears twice`);
    idByCode.set(code, id);
  }
  if (idByCode.size === 0) throw new Error('tokenizer.json has no IMGIMG image-code tokens');
  const codes = [...idByCode.keys()].sort((a, b) => a - b);
  if (codes[0] !== 0 || codes[codes.length - 1] !== codes.length - 1) {
    throw new Error(`tokenizer.json image codes do not cover 0..${codes.length - 1} exactly`);
  }
  const ranges: CodeRange[] = [];
  for (const code of codes) {
    const id = idByCode.get(code)!;
    const last = ranges[ranges.length - 1];
    if (last && last.firstCode + last.count === code && last.firstId + last.count === id) last.count++;
    else ranges.push({ firstCode: code, firstId: id, count: 1 });
  }
  return ranges;
}
