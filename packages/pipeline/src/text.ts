/** The package's text tokenizer: a thin wrapper over `@huggingface/tokenizers` loaded from `tokenizer.json`. */
import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';

/** Encodes and decodes text ids; no special tokens are added (the prompt builder adds BOS itself). */
export interface TextTokenizer {
  encode(text: string): number[];
  decode(ids: readonly number[], opts?: { skipSpecialTokens?: boolean }): string;
}

/** Wraps parsed `tokenizer.json` (and optional `tokenizer_config.json`) contents. */
export function createTextTokenizer(tokenizerJson: object, config: object = {}): TextTokenizer {
  const tok = new Tokenizer(tokenizerJson, config);
  return {
    encode: (text) => {
      const ids = tok.encode(text, { add_special_tokens: false }).ids;
      // tokenizers.js yields undefined for a piece it cannot map; an id list with holes would corrupt the prompt.
      if (ids.some((id) => typeof id !== 'number')) throw new Error(`tokenizer could not map every piece of ${JSON.stringify(text.slice(0, 80))}`);
      return ids;
    },
    decode: (ids, opts = {}) => tok.decode([...ids], { skip_special_tokens: opts.skipSpecialTokens ?? false }),
  };
}

/** Loads a tokenizer from a `tokenizer.json` path. */
export async function loadTextTokenizer(path: string): Promise<TextTokenizer> {
  return createTextTokenizer(JSON.parse(await readFile(path, 'utf8')) as object);
}
