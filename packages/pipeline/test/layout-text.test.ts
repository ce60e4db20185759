import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTextTokenizer } from '../src/text';

// A hand-written word-level tokenizer.json: enough to check the wrapper's options, not BPE itself.
const json = {
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: [{ id: 0, content: '<s>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
  normalizer: null,
  pre_tokenizer: { type: 'Whitespace' },
  post_processor: null,
  decoder: null,
  model: { type: 'WordLevel', vocab: { '<s>': 0, '<unk>': 1, hello: 2, world: 3, '.': 4 }, unk_token: '<unk>' },
};

test('text tokenizer encodes without adding special tokens and decodes with or without them', () => {
  const t = createTextTokenizer(json);
  assert.deepEqual(t.encode('hello world .'), [2, 3, 4]);
  assert.equal(t.decode([0, 2, 3], { skipSpecialTokens: true }), 'hello world');
  assert.match(t.decode([0, 2, 3]), /^<s> ?hello world$/);
});

test('text tokenizer refuses to return an id list with holes', () => {
  const t = createTextTokenizer(json);
  assert.throws(() => t.encode('hello mars'), /could not map/);
});
