import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTokenLayout, buildPrompt, parseOutput } from '../src/layout';
import { pureManifest, compactManifest } from './manifest-fixtures';

test('PURE ids: size token 8820, code ids 4..8195 and 65536..73727, block of 4164 tokens', () => {
  const L = createTokenLayout(pureManifest);
  assert.equal(L.grid, 64);
  assert.equal(L.sizeId, 8820);
  assert.deepEqual([...L.imageIdRanges], [4, 8196, 65536, 73728]);
  assert.equal(L.codeToId[0], 4);
  assert.equal(L.codeToId[8191], 8195);
  assert.equal(L.codeToId[8192], 65536);
  assert.equal(L.codeToId[16383], 73727);
  assert.equal(L.idToCode[8196], -1);
  assert.equal(L.idToCode[73727], 16383);
  const codes = new Int32Array(64 * 64).map((_, i) => (i * 7919) % 16384);
  const instr = [100, 200, 300];
  const p = buildPrompt(L, instr, codes);
  assert.equal(p.length, 1 + 3 + 4164 + 1);
  assert.deepEqual(p.slice(0, 7), [0, 100, 200, 300, 8197, 8820, 8820]);
  assert.equal(p[7], 4); // code 0 -> id 4
  assert.equal(p[7 + 64], 8803); // first row end
  assert.equal(p[7 + 65 * 64 - 1], 8803); // last row end
  assert.deepEqual(p.slice(-2), [8196, 8710]);
  const rowEnds = p.filter((id) => id === 8803).length;
  assert.equal(rowEnds, 64);
});

test('compact layout: split code ranges, prompt and parse round trip', () => {
  const L = createTokenLayout(compactManifest());
  assert.equal(L.grid, 4);
  assert.equal(L.sizeId, 9);
  assert.deepEqual([...L.imageIdRanges], [20, 28, 32, 40]);
  assert.equal(L.imageBodyLength, 4 * 5 + 1);
  const codes = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  const p = buildPrompt(L, [10, 11], codes);
  // hand-written: bos, instr, start, size, size, rows (codes 0..7 -> 20..27, 8..15 -> 32..39), end, eot
  assert.deepEqual(p, [0, 10, 11, 1, 9, 9, 20, 21, 22, 23, 3, 24, 25, 26, 27, 3, 32, 33, 34, 35, 3, 36, 37, 38, 39, 3, 2, 4]);
  const generated = [12, 13, 14, ...p.slice(3, -1), 4];
  const out = parseOutput(L, generated);
  assert.deepEqual(out.textIds, [12, 13, 14]);
  assert.deepEqual(out.sizeIds, [9, 9]);
  assert.deepEqual([...out.codes], [...codes]);
  assert.equal(out.complete, true);
});

test('parseOutput on partial and text-only output, and refuses foreign ids inside the block', () => {
  const L = createTokenLayout(compactManifest());
  assert.deepEqual(parseOutput(L, [12, 13, 4]), { textIds: [12, 13], sizeIds: [], codes: new Int32Array(0), complete: false });
  const partial = parseOutput(L, [12, 1, 9, 9, 20, 33, 3, 21]);
  assert.deepEqual([...partial.codes], [0, 9, 1]);
  assert.equal(partial.complete, false);
  assert.throws(() => parseOutput(L, [1, 9, 9, 20, 12]), /neither an image code/);
});

test('createTokenLayout refuses manifests whose ids do not fit', () => {
  const m = compactManifest();
  assert.throws(() => createTokenLayout({ ...m, vocab: { ...m.vocab, rowEnd: 40 } }), /outside the vocab/);
  assert.throws(() => createTokenLayout({ ...m, vocab: { ...m.vocab, rowEnd: 20 } }), /collides/);
  assert.throws(
    () => createTokenLayout({ ...m, vocab: { ...m.vocab, imageCodes: [{ firstCode: 0, firstId: 20, count: 8 }] } }),
    /has no token id/,
  );
  assert.throws(() => buildPrompt(createTokenLayout(m), [], new Int32Array(15)), /expected 16 codes/);
});
