import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenSampler, drawInverseCdf } from '../src/sampler';
import { createTokenLayout } from '../src/layout';
import { pureManifest, compactManifest } from './manifest-fixtures';

const params = { cfg: 0.8, temperature: 0.9, kMin: 1, kMax: 2000, mu: 5, textTopK: 1 };

test('inverse CDF: the first candidate whose cumulative probability exceeds u', () => {
  const v = new Float32Array([0, Math.log(3)]); // p = 0.25, 0.75
  const out = { prob: 0 };
  assert.equal(drawInverseCdf(v, 2, 0, out), 0);
  assert.equal(drawInverseCdf(v, 2, 0.2, out), 0);
  assert.ok(Math.abs(out.prob - 0.25) < 1e-7);
  assert.equal(drawInverseCdf(v, 2, 0.26, out), 1);
  assert.equal(drawInverseCdf(v, 2, 0.999999, out), 1);
  assert.ok(Math.abs(out.prob - 0.75) < 1e-7);
  assert.equal(drawInverseCdf(new Float32Array([-Infinity, 5, -Infinity]), 3, 0.99, out), 1);
});

test('PURE layout, flat logits: every image id tied, H = ln 16384, k = 1982, all 16,384 kept', () => {
  const L = createTokenLayout(pureManifest);
  const s = new TokenSampler(L, params);
  const cond = new Float32Array(L.vocabSize);
  const uncond = new Float32Array(L.vocabSize);
  let d = s.sampleImage(cond, uncond, 0, 0);
  assert.ok(Math.abs(d.entropy - Math.log(16384)) < 1e-5);
  assert.equal(d.k, 1982);
  assert.equal(d.candidates, 16384);
  assert.equal(d.id, 4); // u = 0: the first image id
  assert.ok(Math.abs(d.prob - 1 / 16384) < 1e-9);
  d = s.sampleImage(new Float32Array(L.vocabSize), uncond, 0, 0.5 + 1e-9);
  assert.equal(d.id, 65536); // index 8192 of the candidates: code 8192's id
});

test('PURE layout: CFG decides the winner, the mask removes text ids, a forced row end costs nothing', () => {
  const L = createTokenLayout(pureManifest);
  const s = new TokenSampler(L, params);
  const cond = new Float32Array(L.vocabSize).fill(-20);
  const uncond = new Float32Array(L.vocabSize).fill(-20);
  cond[9000] = 100; // a text id: masked out
  cond[500] = 10;
  uncond[500] = 10;
  cond[600] = 10.5;
  uncond[600] = -30; // blended: 0.8*40.5 - 30 = 2.4 < 10
  const d = s.sampleImage(cond, uncond, 5, 0.3);
  assert.equal(d.id, 500);
  // H: one logit dominates by 7.6 nats over the next and 30 over the rest: near 0, so k = 14; the 14th
  // largest is -20, shared by the other 16,382 image ids: every one is kept as a tie.
  assert.equal(d.k, 14);
  assert.equal(d.candidates, 16384);
  const f = s.sampleImage(cond, uncond, 64, 0.5);
  assert.equal(f.id, 8803);
});

test('text phase: greedy at textTopK = 1 (ties drawn by u), no mask', () => {
  const L = createTokenLayout(compactManifest());
  const s = new TokenSampler(L, { ...params, textTopK: 1 });
  const x = new Float32Array(40);
  x[12] = 5;
  x[15] = 5;
  x[20] = 4;
  assert.equal(s.sampleText(Float32Array.from(x), 0.1).id, 12);
  assert.equal(s.sampleText(Float32Array.from(x), 0.9).id, 15);
  const s3 = new TokenSampler(L, { ...params, textTopK: 3, temperature: 1 });
  // 5, 5, 4: p = e^5/(2e^5+e^4) each for 12 and 15, and 20 takes the rest (0.155)
  const d = s3.sampleText(Float32Array.from(x), 0.95);
  assert.equal(d.id, 20);
  assert.ok(Math.abs(d.prob - Math.exp(4) / (2 * Math.exp(5) + Math.exp(4))) < 1e-7);
});
