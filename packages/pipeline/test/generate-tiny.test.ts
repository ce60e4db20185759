import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { LoadedModelPackage } from '@pure/model/load-model-package';
import { generate, type GenerationCheckpoint, type GenerateParams } from '../src/generate';
import { createTokenLayout, buildPrompt, parseOutput, type TokenLayout } from '../src/layout';
import { loadTextTokenizer } from '../src/text';
import type { Decoder } from '../src/decoder';
import { tinyPackage, openDecoder } from './tiny-packages';

async function promptFor(pkg: LoadedModelPackage, layout: TokenLayout): Promise<number[]> {
  const tok = await loadTextTokenizer(pkg.paths.tokenizer);
  const codes = Int32Array.from({ length: layout.grid * layout.grid }, (_, i) => (i * 37 + 11) % layout.codebookSize);
  return buildPrompt(layout, tok.encode(pkg.manifest.prompt.instruction), codes);
}

function paramsOf(pkg: LoadedModelPackage, seed: number): GenerateParams {
  const s = pkg.manifest.sampling;
  return { seed, cfg: s.cfg, temperature: s.temperature, kMin: s.kMin, kMax: s.kMax, mu: s.mu, textTopK: s.textTopK };
}

describe('generate on the tiny package (ORT, CPU)', () => {
  let pkg: LoadedModelPackage;
  let layout: TokenLayout;
  let prompt: number[];
  let dec: Decoder;
  before(async () => {
    pkg = await tinyPackage('tiny');
    layout = createTokenLayout(pkg.manifest);
    prompt = await promptFor(pkg, layout);
    dec = await openDecoder(pkg, 'ort', { batch: true });
  });
  after(async () => dec.dispose());

  test('grid*grid records; same seed, same tokens; resume mid-image gives the same tokens', async () => {
    const cps: GenerationCheckpoint[] = [];
    const a = await generate(dec, layout, prompt, paramsOf(pkg, 7), { onRow: (c) => void cps.push(structuredClone(c)) });
    assert.equal(a.records.length, layout.grid * layout.grid);
    assert.equal(a.codes.length, 64);
    assert.ok(a.records.every((r, i) => r.row === Math.floor(i / 8) && r.col === i % 8 && layout.idToCode[r.tokenId] >= 0));
    assert.ok(a.records.every((r) => Number.isFinite(r.entropy) && r.entropy >= 0 && r.k >= 1 && r.k <= 256));
    assert.equal(cps.length, 8);
    const b = await generate(dec, layout, prompt, paramsOf(pkg, 7));
    assert.deepEqual(b.records, a.records);
    assert.deepEqual(b.textIds, a.textIds);
    const mid = cps[2]; // three rows done
    const calls = dec.calls;
    const r = await generate(dec, layout, prompt, paramsOf(pkg, 7), { checkpoint: JSON.parse(JSON.stringify(mid)) });
    assert.deepEqual([...r.codes], [...a.codes]);
    assert.deepEqual(r.records.map((x) => x.tokenId), a.records.map((x) => x.tokenId));
    for (let i = 0; i < 64; i++) assert.ok(Math.abs(r.records[i].entropy - a.records[i].entropy) < 1e-4);
    assert.equal(r.resumedTokens, mid.counter);
    assert.equal(r.forwardCalls, dec.calls - calls);
    assert.ok(r.forwardCalls < a.forwardCalls - 20);
    const c = await generate(dec, layout, prompt, paramsOf(pkg, 8));
    assert.notDeepEqual(c.records.map((x) => x.tokenId), a.records.map((x) => x.tokenId));
  });

  test('abort stops within one step', async () => {
    const ac = new AbortController();
    let at = -1;
    await assert.rejects(
      generate(dec, layout, prompt, paramsOf(pkg, 3), {
        signal: ac.signal,
        onToken: (r) => {
          if (r.row === 2 && r.col === 5) {
            ac.abort();
            at = dec.calls;
          }
        },
      }),
      { name: 'AbortError' },
    );
    assert.equal(dec.calls, at);
  });

  test('one batched call per code gives the same tokens as unbatched branches and the naive baseline', async () => {
    const single = await openDecoder(pkg, 'ort', { batch: false });
    const naive = await openDecoder(pkg, 'naive');
    try {
      const a = await generate(dec, layout, prompt, paramsOf(pkg, 11));
      const b = await generate(single, layout, prompt, paramsOf(pkg, 11));
      const n = await generate(naive, layout, prompt, paramsOf(pkg, 11));
      assert.deepEqual(b.records.map((x) => x.tokenId), a.records.map((x) => x.tokenId));
      assert.deepEqual(n.records.map((x) => x.tokenId), a.records.map((x) => x.tokenId));
      assert.ok(b.forwardCalls > a.forwardCalls + 60);
    } finally {
      await Promise.all([single.dispose(), naive.dispose()]);
    }
  });
});

test('generate on tiny-pure-vocab (73,728 logits, PURE ids) and on the fp16 tiny package', async () => {
  for (const [name, fp16] of [['tiny-pure-vocab', false], ['tiny', true]] as const) {
    const pkg = await tinyPackage(name, fp16);
    const layout = createTokenLayout(pkg.manifest);
    const dec = await openDecoder(pkg);
    try {
      const prompt = await promptFor(pkg, layout);
      const ids: number[] = [];
      const r = await generate(dec, layout, prompt, paramsOf(pkg, 5), { onToken: (x) => void ids.push(x.tokenId) });
      assert.equal(r.records.length, layout.grid * layout.grid, name);
      assert.deepEqual(ids, r.records.map((x) => x.tokenId));
      assert.ok(r.records.every((x) => layout.idToCode[x.tokenId] >= 0));
      const again = await generate(dec, layout, prompt, paramsOf(pkg, 5));
      assert.deepEqual(again.records, r.records);
      assert.ok(parseOutput(layout, [...r.textIds, layout.imageStart]).textIds.length === r.textIds.length);
    } finally {
      await dec.dispose();
    }
  }
});
