import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generate, type GenerationCheckpoint, type GenerateParams } from '../src/generate';
import { createTokenLayout, parseOutput } from '../src/layout';
import { compactManifest } from './manifest-fixtures';
import { createFakeDecoder, hashLogits } from './fake-decoder';

// compact layout: bos 0, image start 1, image end 2, row end 3, end of turn 4, size token 9, text 10..19,
// codes at 20..27 and 32..39; grid 4 (body = 4 rows of 4 codes + row end, then the image end: 21 tokens)
const layout = createTokenLayout(compactManifest());
const params: GenerateParams = { seed: 1234, cfg: 0.8, temperature: 0.9, kMin: 1, kMax: 16, mu: 5, textTopK: 1 };
const prompt = [0, 10, 11, 1, 9, 9, 20, 21, 22, 23, 3, 24, 25, 26, 27, 3, 32, 33, 34, 35, 3, 36, 37, 38, 39, 3, 2, 4];

/** Text ids 12 then 13 are preferred for `textLen` tokens, then the image start, and after the image the end of turn. */
function scripted(textLen: number) {
  return (ids: readonly number[], out: Float32Array) => {
    hashLogits(ids, out);
    const generated = ids.length - prompt.length;
    const inImage = ids.lastIndexOf(1) >= prompt.length;
    if (generated >= 0 && !inImage) {
      out[generated < textLen ? 12 + (generated % 2) : 1] = 50;
    } else if (inImage && ids[ids.length - 1] === 2) out[4] = 50;
  };
}

test('exactly grid*grid records in raster order, both caches fed, same seed same tokens', async () => {
  const d = createFakeDecoder(40, scripted(3));
  const r = await generate(d, layout, prompt, params);
  assert.deepEqual(r.textIds, [12, 13, 12]);
  assert.equal(r.records.length, 16);
  assert.deepEqual(r.records.map((x) => [x.row, x.col]), Array.from({ length: 16 }, (_, i) => [Math.floor(i / 4), i % 4]));
  assert.deepEqual([...r.codes], r.records.map((x) => layout.idToCode[x.tokenId]));
  assert.ok(r.records.every((x) => layout.idToCode[x.tokenId] >= 0 && x.k >= 1 && x.k <= 16 && x.prob > 0 && x.prob <= 1));
  assert.equal(r.records[0].position, 3 + 3); // 3 text tokens, the image start, two size tokens
  assert.equal(r.stoppedBy, 'end-of-turn');
  const [G, U] = d.sequences;
  const body = G.ids.slice(prompt.length + 3 + 3);
  assert.deepEqual(G.ids.slice(prompt.length, prompt.length + 6), [12, 13, 12, 1, 9, 9]);
  // the unguided sequence starts at the image start and holds every forced row end and the image end too
  assert.deepEqual(U.ids.slice(0, 3), [1, 9, 9]);
  assert.deepEqual(U.ids.slice(3), body.slice(0, 21));
  assert.deepEqual(body.slice(0, 20).filter((_, i) => i % 5 === 4), [3, 3, 3, 3]);
  assert.equal(body[20], 2);
  const parsed = parseOutput(layout, G.ids.slice(prompt.length));
  assert.deepEqual([...parsed.codes], [...r.codes]);
  assert.ok(parsed.complete);
  // one batched forward per code (the forced tokens ride along), G and U in the same call
  const imageCalls = d.log.filter((rows) => rows.length === 2);
  assert.equal(imageCalls.length, 16 + 1); // 16 codes + the call that puts the image end into both caches
  const again = await generate(createFakeDecoder(40, scripted(3)), layout, prompt, params);
  assert.deepEqual(again.records, r.records);
  const other = await generate(createFakeDecoder(40, scripted(3)), layout, prompt, { ...params, seed: 99 });
  assert.notDeepEqual(other.records.map((x) => x.tokenId), r.records.map((x) => x.tokenId));
});

test('resuming from any row checkpoint gives the uninterrupted run\'s tokens, with one prefill', async () => {
  const cps: GenerationCheckpoint[] = [];
  const full = await generate(createFakeDecoder(40, scripted(2)), layout, prompt, params, {
    onRow: async (c, rows) => {
      assert.equal(c.entropies.length, rows * 4);
      cps.push(JSON.parse(JSON.stringify(c)) as GenerationCheckpoint);
    },
  });
  assert.equal(cps.length, 4);
  for (const [i, cp] of cps.entries()) {
    assert.equal(cp.counter, 2 + 1 + 2 + (i + 1) * 5);
    const d = createFakeDecoder(40, scripted(2));
    const r = await generate(d, layout, prompt, params, { checkpoint: cp });
    assert.deepEqual(r.records, full.records, `from row ${i + 1}`);
    assert.deepEqual([...r.codes], [...full.codes]);
    assert.deepEqual(r.textIds, full.textIds);
    assert.equal(r.resumedTokens, cp.counter);
    // the first call prefills both branches at once (after the last row, with the forced image end)
    const tail = i === 3 ? [2] : [];
    assert.equal(d.log[0].length, 2);
    assert.equal(d.log[0][0].ids.length, prompt.length + cp.counter + tail.length);
    assert.deepEqual(d.log[0][1].ids, [1, ...cp.imageIds, ...tail]);
  }
});

/** The binding of checkpoints taken by an uninterrupted run of `prompt` with `p`. */
async function bindingOf(p: typeof params): Promise<string> {
  let binding = '';
  await generate(createFakeDecoder(40, hashLogits), layout, prompt, p, { onRow: (c) => void (binding = c.binding) });
  return binding;
}

test('a checkpoint taken for another seed or prompt is refused, so the job starts over', async () => {
  let first: GenerationCheckpoint | undefined;
  await generate(createFakeDecoder(40, hashLogits), layout, prompt, params, { onRow: (c) => void (first ??= c) });
  assert.ok(first);
  assert.notEqual(await bindingOf({ ...params, seed: params.seed + 1 }), first.binding);
  const other = (p: number[]) => generate(createFakeDecoder(40, hashLogits), layout, p, params, { checkpoint: first });
  await assert.rejects(generate(createFakeDecoder(40, hashLogits), layout, prompt, { ...params, seed: params.seed + 1 }, { checkpoint: first }), /another prompt or other sampling settings/);
  await assert.rejects(other([...prompt.slice(0, -1), prompt[prompt.length - 1] === 3 ? 4 : 3]), /another prompt/);
});

test('a bad checkpoint is refused as invalid job data', async () => {
  const binding = await bindingOf(params);
  const cp: GenerationCheckpoint = { version: 1, binding, textIds: [], imageIds: [9, 9, 20, 21, 22, 23, 5], entropies: [0, 0, 0, 0], ks: [1, 1, 1, 1], probs: [1, 1, 1, 1], counter: 8 };
  await assert.rejects(generate(createFakeDecoder(40, hashLogits), layout, prompt, params, { checkpoint: cp }), (e: Error) => e.name === 'NonRetryableError' && /token 5 at image position 4/.test(e.message));
  await assert.rejects(generate(createFakeDecoder(40, hashLogits), layout, prompt, params, { checkpoint: { ...cp, imageIds: cp.imageIds.slice(0, 6), counter: 9 } }), /counter 9/);
});

test('abort stops within one step and rejects with an AbortError', async () => {
  const d = createFakeDecoder(40, scripted(0));
  const ac = new AbortController();
  let callsAtAbort = -1;
  await assert.rejects(
    generate(d, layout, prompt, params, {
      signal: ac.signal,
      onToken: (r) => {
        if (r.row === 1 && r.col === 1) {
          callsAtAbort = d.calls;
          ac.abort();
        }
      },
    }),
    (e: Error) => e.name === 'AbortError',
  );
  assert.equal(d.calls, callsAtAbort);
  assert.ok(d.sequences.every((s) => s.released));
});

test('the text budget forces the image start; an early end of turn starts the image', async () => {
  const r = await generate(createFakeDecoder(40, scripted(100)), layout, prompt, params);
  assert.equal(r.textIds.length, 6); // compact manifest: textBudget 6
  assert.equal(r.records.length, 16);
  const eot = (ids: readonly number[], out: Float32Array) => {
    hashLogits(ids, out);
    out[4] = 50;
  };
  const e = await generate(createFakeDecoder(40, eot), layout, prompt, params);
  assert.deepEqual(e.textIds, []);
  assert.equal(e.records.length, 16);
  assert.equal(e.stoppedBy, 'end-of-turn');
});

test('without an end of turn the run stops one step after the image (trailing text is not generated); cfg = 1 runs one branch', async () => {
  const d = createFakeDecoder(40, (ids, out) => {
    hashLogits(ids, out);
    out[4] = -50;
  });
  const r = await generate(d, layout, prompt, { ...params, cfg: 1, maxNewTokens: 40 });
  assert.equal(r.stoppedBy, 'image-end');
  assert.equal(d.sequences.length, 1);
  // Fed: 6 text tokens (the budget), then the image block, 3 + 4 x (4 + 1) + 1 = 24 tokens; the one token drawn
  // after the image end is not fed back, and nothing is drawn after it, though 10 of the 40 remained.
  assert.equal(d.sequences[0].ids.length, prompt.length + 6 + 24);
  assert.ok(d.log.every((rows) => rows.length === 1));
  await assert.rejects(generate(d, layout, prompt, { ...params, maxNewTokens: 20 }), /cannot hold one image block/);
});

test("the budget also ends at the model's last position", async () => {
  const d = createFakeDecoder(40, (ids, out) => {
    hashLogits(ids, out);
    out[4] = -50;
  });
  Object.defineProperty(d, 'maxPositions', { value: prompt.length + 30 });
  const r = await generate(d, layout, prompt, { ...params, maxNewTokens: 64 });
  assert.equal(r.records.length, 16);
  assert.equal(r.stoppedBy, 'budget');
  assert.ok(Math.max(...d.sequences.map((s) => s.ids.length)) <= prompt.length + 30);
  Object.defineProperty(d, 'maxPositions', { value: prompt.length + 20 });
  await assert.rejects(generate(d, layout, prompt, params), /within 48 positions/);
});
