import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { LoadedModelPackage } from '@pure/model/load-model-package';
import type { Decoder } from '../src/decoder';
import { tinyPackage, openDecoder } from './tiny-packages';

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const prompt = [0, 170, 171, 172, 173, 174, 175, 176, 177, 133, 143, 143, 4, 5, 6, 7, 135, 132, 134];

describe('ORT decoder on the tiny package', () => {
  let pkg: LoadedModelPackage;
  let batched: Decoder;
  let single: Decoder;
  let naive: Decoder;
  before(async () => {
    pkg = await tinyPackage('tiny');
    batched = await openDecoder(pkg, 'ort', { batch: true });
    single = await openDecoder(pkg, 'ort', { batch: false });
    naive = await openDecoder(pkg, 'naive');
  });
  after(async () => {
    await Promise.all([batched.dispose(), single.dispose(), naive.dispose()]);
  });

  test('the batched two-branch forward gives the logits of running the branches one at a time (1e-5)', async () => {
    const a = { g: batched.createSequence(), u: batched.createSequence() };
    const b = { g: single.createSequence(), u: single.createSequence() };
    const [ga] = await batched.forward([{ seq: a.g, ids: prompt }]);
    const [gb] = await single.forward([{ seq: b.g, ids: prompt }]);
    assert.ok(maxAbsDiff(ga, gb) < 1e-5);
    // join: the guided row has a long past, the unguided starts empty (left-padded), 3 new ids each
    const callsBefore = batched.calls;
    let ra = await batched.forward([{ seq: a.g, ids: [133, 143, 143] }, { seq: a.u, ids: [133, 143, 143] }]);
    let rb = await single.forward([{ seq: b.g, ids: [133, 143, 143] }, { seq: b.u, ids: [133, 143, 143] }]);
    assert.equal(batched.calls - callsBefore, 1, 'both rows in one ONNX call');
    for (let i = 0; i < 2; i++) assert.ok(maxAbsDiff(ra[i], rb[i]) < 1e-5, `row ${i}`);
    // steps on the same group (KV fed straight back), including a 2-token step and unequal counts
    for (const [gi, ui] of [[[10], [10]], [[11, 135], [11, 135]], [[12], [12, 13, 14]]] as const) {
      ra = await batched.forward([{ seq: a.g, ids: gi }, { seq: a.u, ids: ui }]);
      rb = await single.forward([{ seq: b.g, ids: gi }, { seq: b.u, ids: ui }]);
      for (let i = 0; i < 2; i++) assert.ok(maxAbsDiff(ra[i], rb[i]) < 1e-5, `step ${gi}/${ui} row ${i}`);
    }
    assert.equal(a.g.length, prompt.length + 3 + 4);
    assert.equal(a.u.length, 3 + 6);
    // split: the guided row goes on alone after the unguided one is released
    batched.release(a.u);
    single.release(b.u);
    const [g1] = await batched.forward([{ seq: a.g, ids: [134] }]);
    const [g2] = await single.forward([{ seq: b.g, ids: [134] }]);
    assert.ok(maxAbsDiff(g1, g2) < 1e-5);
  });

  test('one prefill equals token-by-token appends, and rows may swap order', async () => {
    const whole = batched.createSequence();
    const [w] = await batched.forward([{ seq: whole, ids: prompt }]);
    const steps = batched.createSequence();
    let last: Float32Array | undefined;
    for (const id of prompt) [last] = await batched.forward([{ seq: steps, ids: [id] }]);
    assert.ok(maxAbsDiff(w, last!) < 1e-4);
    const [x2, y2] = await batched.forward([{ seq: steps, ids: [20] }, { seq: whole, ids: [20] }]);
    assert.ok(maxAbsDiff(x2, y2) < 1e-4);
    const [y3, x3] = await batched.forward([{ seq: whole, ids: [21] }, { seq: steps, ids: [21] }]);
    assert.ok(maxAbsDiff(x3, y3) < 1e-4);
    assert.equal(whole.length, prompt.length + 2);
  });

  test('the naive baseline (KV copied every step) gives the same logits', async () => {
    const a = batched.createSequence();
    const n = naive.createSequence();
    const u = naive.createSequence();
    const [la] = await batched.forward([{ seq: a, ids: prompt }]);
    const [ln, lu] = await naive.forward([{ seq: n, ids: prompt }, { seq: u, ids: [133] }]);
    assert.ok(maxAbsDiff(la, ln) < 1e-5);
    assert.equal(lu.length, 544);
    const [la2] = await batched.forward([{ seq: a, ids: [9] }]);
    const [ln2] = await naive.forward([{ seq: n, ids: [9] }]);
    assert.ok(maxAbsDiff(la2, ln2) < 1e-5);
  });

  test('a long append runs in chunks with the same logits; a resume-style prefill of two unequal rows too', async () => {
    const chunked = await openDecoder(pkg, 'ort', { chunk: 4 });
    try {
      const c = { g: chunked.createSequence(), u: chunked.createSequence() };
      const w = { g: batched.createSequence(), u: batched.createSequence() };
      const calls = chunked.calls;
      const rc = await chunked.forward([{ seq: c.g, ids: prompt }, { seq: c.u, ids: prompt.slice(9) }]);
      assert.equal(chunked.calls - calls, Math.ceil(prompt.length / 4));
      const rw = await single.forward([{ seq: w.g, ids: prompt }, { seq: w.u, ids: prompt.slice(9) }]);
      for (let i = 0; i < 2; i++) assert.ok(maxAbsDiff(rc[i], rw[i]) < 1e-5, `row ${i}`);
      const sc = await chunked.forward([{ seq: c.g, ids: [30] }, { seq: c.u, ids: [30] }]);
      const sw = await single.forward([{ seq: w.g, ids: [30] }, { seq: w.u, ids: [30] }]);
      for (let i = 0; i < 2; i++) assert.ok(maxAbsDiff(sc[i], sw[i]) < 1e-5, `step row ${i}`);
    } finally {
      await chunked.dispose();
    }
  });

  test("batch 'auto' batches while padding is cheaper than a second weight pass", async () => {
    // tiny: weights ~534 KB, KV 1 KB per token per row, padding counted 3 times: batch below ~178 tokens
    const auto = await openDecoder(pkg, 'ort', { batch: 'auto' });
    try {
      const g = auto.createSequence();
      const u = auto.createSequence();
      const long = auto.createSequence();
      await auto.forward([{ seq: g, ids: prompt }]);
      let calls = auto.calls;
      await auto.forward([{ seq: g, ids: [5] }, { seq: u, ids: [133, 143, 143] }]);
      assert.equal(auto.calls - calls, 1);
      await auto.forward([{ seq: long, ids: new Array(300).fill(170) }]);
      calls = auto.calls;
      const [a, b] = await auto.forward([{ seq: long, ids: [5] }, { seq: u, ids: [5] }]);
      assert.equal(auto.calls - calls, 2);
      assert.equal(a.length, 544);
      assert.equal(b.length, 544);
    } finally {
      await auto.dispose();
    }
  });

  test('refuses empty rows, duplicate sequences and positions past the model', async () => {
    const s = batched.createSequence();
    await assert.rejects(batched.forward([{ seq: s, ids: [] }]), /at least one id/);
    await assert.rejects(batched.forward([{ seq: s, ids: [1] }, { seq: s, ids: [2] }]), /twice/);
    await assert.rejects(batched.forward([{ seq: s, ids: new Array(8193).fill(5) }]), /positions/);
  });
});

test('fp16 package: float16 KV passes through, logits stay close to fp32', async () => {
  const pkg16 = await tinyPackage('tiny', true);
  const pkg32 = await tinyPackage('tiny');
  const d16 = await openDecoder(pkg16);
  const d32 = await openDecoder(pkg32);
  try {
    const a = d16.createSequence();
    const u = d16.createSequence();
    const b = d32.createSequence();
    await d16.forward([{ seq: a, ids: prompt }]);
    const [l16] = await d16.forward([{ seq: a, ids: [133, 143, 143] }, { seq: u, ids: [133, 143, 143] }]);
    await d32.forward([{ seq: b, ids: prompt }]);
    const [l32] = await d32.forward([{ seq: b, ids: [133, 143, 143] }]);
    assert.ok(l16.every(Number.isFinite));
    assert.ok(maxAbsDiff(l16, l32) < 0.05, `fp16 vs fp32 ${maxAbsDiff(l16, l32)}`);
  } finally {
    await Promise.all([d16.dispose(), d32.dispose()]);
  }
});
