/**
 * Tiny packages: deterministic builds, a tokenizer that @huggingface/tokenizers loads with the special
 * tokens at the manifest's ids, image-code ranges parsed from IMGIMG names, and forced external data.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Tokenizer } from '@huggingface/tokenizers';
import { imageCodeRangesFromTokenizer } from '../src/image-code-ranges';
import { loadModelPackage } from '../src/load-model-package';
import { OrtSession } from '../src/session';
import { buildTinyPackage } from '../src/tiny/build-tiny-package';
import { ensureTinyPackage } from '../src/tiny/ensure-tiny-package';
import { maxRelError, range, runDecoder, testIds } from './decoder-harness';

const dir = mkdtempSync(join(tmpdir(), 'tiny-pkg-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('tiny packages', () => {
  test('two builds are byte-identical', async () => {
    const a = await buildTinyPackage('tiny', join(dir, 'a'));
    const b = await buildTinyPackage('tiny', join(dir, 'b'));
    assert.deepEqual(a.files, b.files);
    assert.equal(readFileSync(join(dir, 'a', 'manifest.json'), 'utf8'), readFileSync(join(dir, 'b', 'manifest.json'), 'utf8'));
  });

  test('ensureTinyPackage: concurrent first uses agree, the second use reuses the cache', async () => {
    const cache = join(dir, 'cache', 'tiny');
    const [a, b] = await Promise.all([ensureTinyPackage('tiny', cache), ensureTinyPackage('tiny', cache)]);
    assert.equal(a, cache);
    assert.equal(b, cache);
    const before = readFileSync(join(cache, 'manifest.json'), 'utf8');
    assert.equal(await ensureTinyPackage('tiny', cache), cache);
    assert.equal(readFileSync(join(cache, 'manifest.json'), 'utf8'), before);
    await loadModelPackage(cache);
  });

  test('tiny-pure-vocab: PURE ids and image-code ranges from the tokenizer', async () => {
    const pkg = await loadModelPackage(await ensureTinyPackage('tiny-pure-vocab'));
    const v = pkg.manifest.vocab;
    assert.equal(v.size, 73728);
    assert.deepEqual([v.bos, v.imageStart, v.imageEnd, v.rowEnd, v.endOfTurn], [0, 8197, 8196, 8803, 8710]);
    assert.deepEqual(v.sizeToken, { firstId: 8804, pixelsPerUnit: 32 });
    assert.deepEqual(v.imageCodes, [
      { firstCode: 0, firstId: 4, count: 8192 },
      { firstCode: 8192, firstId: 65536, count: 8192 },
    ]);
    assert.equal(pkg.manifest.vq.codebookSize, 16384);
    const json = JSON.parse(readFileSync(pkg.paths.tokenizer, 'utf8'));
    const tok = new Tokenizer(json, {});
    const byName: Record<string, number> = { '<s>': 0, '<eoss>': 8196, '<racm3:break>': 8197, '<reserved08706>': 8710, '<reserved08799>': 8803, '<reserved08802>': 8806, IMGIMGAZ: 4, IMGIMGIBJBZ: 8195, IMGIMGIBJCZ: 65536, IMGIMGBGDIDZ: 73727 };
    for (const [name, id] of Object.entries(byName)) assert.equal(tok.token_to_id(name), id, name);
    const text = pkg.manifest.prompt.instruction;
    const ids = tok.encode(text, { add_special_tokens: false }).ids;
    assert.equal(tok.decode(ids), text);
    assert.deepEqual(tok.encode('<racm3:break><eoss>', { add_special_tokens: false }).ids, [8197, 8196]);
  });

  test('tiny: compact vocab, 8x8 grid', async () => {
    const m = (await loadModelPackage(await ensureTinyPackage('tiny'))).manifest;
    assert.equal(m.image.size / m.image.downsample, 8);
    assert.equal(m.decoder.layers, 2);
    assert.equal(m.decoder.hidden, 64);
    assert.ok(m.vocab.size < 1000);
    assert.equal(m.vocab.imageCodes.reduce((s, r) => s + r.count, 0), m.vq.codebookSize);
  });

  test('imageCodeRangesFromTokenizer refuses gaps and duplicates', () => {
    const ok = { model: { vocab: { IMGIMGAZ: 10, IMGIMGBZ: 11, IMGIMGCZ: 40, other: 0 } } };
    assert.deepEqual(imageCodeRangesFromTokenizer(ok), [{ firstCode: 0, firstId: 10, count: 2 }, { firstCode: 2, firstId: 40, count: 1 }]);
    assert.throws(() => imageCodeRangesFromTokenizer({ model: { vocab: { IMGIMGAZ: 1, IMGIMGCZ: 2 } } }), /cover/);
    assert.throws(() => imageCodeRangesFromTokenizer({ model: { vocab: { IMGIMGAZ: 1, IMGIMGAY: 2 } } }), /twice/);
    assert.throws(() => imageCodeRangesFromTokenizer({ model: { vocab: { a: 1 } } }), /no IMGIMG/);
  });

  test('forced external data: the package loads and gives the inline logits', async () => {
    const m = await buildTinyPackage('tiny', join(dir, 'ext'), { externalData: 'always' });
    assert.ok('decoder.onnx.data' in m.files);
    const ext = await loadModelPackage(join(dir, 'ext'));
    const inline = await loadModelPackage(join(dir, 'a'));
    const d = m.decoder;
    const ids = testIds(5, d.vocabSize, 9);
    const outs = [];
    for (const pkg of [ext, inline]) {
      const s = await OrtSession.create(pkg.paths.decoder);
      outs.push((await runDecoder(s, d, [ids], [range(5)], [ids.map(() => 1)])).logits);
      await s.dispose();
    }
    assert.equal(maxRelError(outs[0], outs[1]), 0);
  });
});
