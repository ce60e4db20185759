import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cfgBlend } from '../src/processors/cfg';
import { StructuralMask, fullSupport } from '../src/processors/structural-mask';
import { entropy, dynamicK, roundHalfEven, entropyTopK } from '../src/processors/entropy-top-k';
import { topK, createTopKScratch, kthLargest } from '../src/processors/top-k';
import { applyTemperature } from '../src/processors/temperature';
import { fastExp } from '../src/processors/fast-exp';
import { createTokenLayout } from '../src/layout';
import { compactManifest, pureManifest } from './manifest-fixtures';

/** Independent float64 entropy, written straight from the reference's formula. */
function refEntropy(x: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) m = Math.max(m, x[i]);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.exp(x[i] - m);
  let h = 0;
  for (let i = 0; i < x.length; i++) {
    const p = Math.exp(x[i] - m) / s;
    h -= p * Math.log(p + 1e-10);
  }
  return h;
}

function lcg(seed: number) {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('dynamic k', () => {
  test('k = 14 at H = 0 with kMin 1, kMax 2000, mu 5 (1 + 1999/(1+e^5) = 14.379)', () => {
    assert.equal(dynamicK(0, 1, 2000, 5), 14);
    assert.equal(dynamicK(-3, 1, 2000, 5), 14); // H clamped to 0
  });
  test('k at other entropies, derived by hand', () => {
    assert.equal(dynamicK(5, 1, 2000, 5), 1000); // 1 + 1999/2 = 1000.5: Python rounds half to even
    assert.equal(dynamicK(10, 1, 2000, 5), 1987); // 1 + 1999*0.9933071 = 1986.62
    assert.equal(dynamicK(25, 1, 2000, 5), 1987); // H clamped to 10
    assert.equal(dynamicK(Math.log(16384), 1, 2000, 5), 1982); // 1 + 1999*0.9910229 = 1982.05
    assert.equal(dynamicK(3, 1, 2000, 5), 239); // 1 + 1999/(1+e^2) = 1 + 1999*0.1192029 = 239.29
    assert.equal(dynamicK(4, 7, 7, 5), 7);
  });
  test('round half to even like Python', () => {
    assert.deepEqual([0.5, 1.5, 2.5, 3.5, 2.4999, 2.5001, 7].map(roundHalfEven), [0, 2, 2, 4, 2, 3, 7]);
  });
});

describe('entropy', () => {
  test('uniform over 4 finite logits among -inf: ln 4 minus the epsilon term', () => {
    const x = new Float32Array([-Infinity, 2, 2, -Infinity, 2, 2, -Infinity]);
    // -4 * 0.25 * ln(0.25 + 1e-10) = ln 4 - ln(1 + 4e-10)
    const want = Math.log(4) - Math.log1p(4e-10);
    assert.ok(Math.abs(entropy(x, fullSupport(x.length)) - want) < 1e-12);
    assert.ok(Math.abs(entropy(x, Int32Array.from([1, 3, 4, 6])) - want) < 1e-12);
  });
  test('a crafted two-level distribution: p = (1/2, 1/6, 1/6, 1/6)', () => {
    const x = new Float32Array([Math.log(3), 0, 0, 0]);
    const want = -(0.5 * Math.log(0.5 + 1e-10) + 3 * (1 / 6) * Math.log(1 / 6 + 1e-10));
    assert.ok(Math.abs(entropy(x, fullSupport(4)) - want) < 1e-7);
  });
  test('one finite logit: H = -ln(1 + 1e-10)', () => {
    assert.ok(Math.abs(entropy(new Float32Array([-Infinity, 0.3, -Infinity]), fullSupport(3)) + 1e-10) < 1e-15);
  });
  test('matches the float64 reference on peaky and flat random logits over 16,384 ids', () => {
    const rnd = lcg(7);
    for (const scale of [0.1, 1, 4, 12, 40]) {
      const x = new Float32Array(16384).map(() => Math.fround(-Math.log(-Math.log(rnd() + 1e-12)) * scale));
      assert.ok(Math.abs(entropy(x, fullSupport(x.length)) - refEntropy(x)) < 1e-9, `scale ${scale}`);
    }
  });
});

test('fastExp agrees with Math.exp to 1e-13 relative on (-700, 0]', () => {
  const rnd = lcg(3);
  for (let i = 0; i < 20000; i++) {
    const y = -rnd() * (i % 2 ? 700 : 5);
    assert.ok(Math.abs(fastExp(y) - Math.exp(y)) <= 1e-13 * Math.exp(y));
  }
  assert.equal(fastExp(-Infinity), 0);
  assert.equal(fastExp(0), 1);
});

describe('top-k', () => {
  const scratch = createTopKScratch(16);
  test('keeps every logit tied with the k-th largest', () => {
    const x = new Float32Array([1, 3, 3, 2, 3, 0, -Infinity]);
    const s = fullSupport(x.length);
    let n = topK(x, s, 2, scratch);
    assert.deepEqual([...scratch.ids.slice(0, n)], [1, 2, 4]);
    n = topK(x, s, 1, scratch);
    assert.deepEqual([...scratch.ids.slice(0, n)], [1, 2, 4]);
    n = topK(x, s, 4, scratch);
    assert.deepEqual([...scratch.ids.slice(0, n)], [1, 2, 3, 4]);
    assert.deepEqual([...scratch.values.slice(0, n)], [3, 3, 2, 3]);
    n = topK(x, s, 100, scratch); // more than the finite count: every finite logit, never the -inf one
    assert.deepEqual([...scratch.ids.slice(0, n)], [0, 1, 2, 3, 4, 5]);
    n = topK(x, Int32Array.from([0, 1, 3, 6]), 2, scratch); // support ranges restrict the candidates
    assert.deepEqual([...scratch.ids.slice(0, n)], [3, 4]);
  });
  test('quickselect agrees with a full sort on random data with many ties', () => {
    const rnd = lcg(11);
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + Math.floor(rnd() * 3000);
      const a = new Float32Array(n).map(() => Math.floor(rnd() * 50));
      const sorted = Array.from(a).sort((p, q) => q - p);
      const k = 1 + Math.floor(rnd() * n);
      assert.equal(kthLargest(Float32Array.from(a), n, k), sorted[k - 1]);
    }
  });
});

test('CFG blend at g = 0.8 in float32 over the support only', () => {
  const cond = new Float32Array([1, 2, 3, 0.1, 7]);
  const uncond = new Float32Array([0.5, -1, 3, 0.3, 100]);
  cfgBlend(cond, uncond, 0.8, Int32Array.from([0, 4]));
  // 0.8*(1-0.5)+0.5 = 0.9; 0.8*(2+1)-1 = 1.4; 0.8*0+3 = 3; 0.8*(0.1-0.3)+0.3 = 0.14; index 4 untouched.
  const want = [0.9, 1.4, 3, 0.14];
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(cond[i] - want[i]) <= 2 ** -23 * Math.abs(want[i]) * 2, `i=${i} ${cond[i]}`);
  assert.equal(cond[4], 7);
  // float32, like torch: 0.8 is rounded to float32 (0.800000011920929) before multiplying.
  const c = new Float32Array([16777216]);
  cfgBlend(c, new Float32Array([0]), 0.8, Int32Array.from([0, 1]));
  assert.equal(c[0], Math.fround(16777216 * 0.800000011920929));
});

describe('structural mask (compact layout: grid 4, row end 3, image end 2, codes at 20..27 and 32..39)', () => {
  const L = createTokenLayout(compactManifest());
  const mask = new StructuralMask(L);
  const fresh = () => new Float32Array(40).map((_, i) => i / 10);
  test('codes only at non-forced positions', () => {
    for (const t of [0, 3, 5, 18]) {
      const x = fresh();
      mask.apply(x, t);
      for (let i = 0; i < 40; i++) {
        const isCode = (i >= 20 && i < 28) || (i >= 32 && i < 40);
        assert.equal(x[i], isCode ? Math.fround(i / 10) : -Infinity, `t=${t} id=${i}`);
      }
    }
  });
  test('row end forced every grid + 1 tokens, image end after the last row', () => {
    for (const t of [4, 9, 14, 19]) {
      const x = fresh();
      mask.apply(x, t);
      assert.equal(x[3], 0);
      assert.equal(x.filter((v) => v > -Infinity).length, 1);
    }
    const x = fresh();
    mask.apply(x, 20);
    assert.equal(x[2], 0);
    assert.equal(x.filter((v) => v > -Infinity).length, 1);
  });
  test('PURE layout: row end at t = 64 and 4159, image end at t = 4160', () => {
    const P = new StructuralMask(createTokenLayout(pureManifest));
    assert.equal(P.forcedAt(63), -1);
    assert.equal(P.forcedAt(64), 8803);
    assert.equal(P.forcedAt(129), 8803);
    assert.equal(P.forcedAt(4159), 8803);
    assert.equal(P.forcedAt(4160), 8196);
    assert.deepEqual([...P.supportAt(0)], [4, 8196, 65536, 73728]);
  });
});

test('temperature divides in float32', () => {
  const v = new Float32Array([1.8, 0.9, -0.45]);
  applyTemperature(v, 2, 0.9);
  assert.ok(Math.abs(v[0] - 2) < 1e-6 && Math.abs(v[1] - 1) < 1e-6);
  assert.equal(v[2], Math.fround(-0.45)); // beyond n: untouched
  assert.throws(() => applyTemperature(v, 1, 0), RangeError);
});

test('fused entropyTopK agrees with entropy + dynamicK + topK (ties, peaky and flat logits)', () => {
  const rnd = lcg(5);
  const V = 5000;
  const scratch = { ...createTopKScratch(V), hist: new Int32Array(512) };
  const ref = createTopKScratch(V);
  const out = { entropy: 0, k: 0, n: 0 };
  const support = Int32Array.from([3, 2000, 2500, 5000]);
  for (const [scale, quant, kMax] of [[0.3, 0, 2000], [2, 0, 2000], [6, 1, 2000], [30, 4, 50], [200, 0, 3]] as const) {
    const x = new Float32Array(V).map(() => {
      const g = -Math.log(-Math.log(rnd() + 1e-12)) * scale;
      return Math.fround(quant ? Math.round(g * quant) / quant : g); // quantised: many exact ties
    });
    x[2600] = -Infinity;
    const finite: number[] = [];
    for (let r = 0; r < support.length; r += 2) for (let i = support[r]; i < support[r + 1]; i++) if (x[i] > -Infinity) finite.push(x[i]);
    const hRef = refEntropy(finite);
    const r = entropyTopK(x, support, NaN, { kMin: 1, kMax, mu: 5 }, scratch, out);
    assert.ok(Math.abs(r.entropy - hRef) < 1e-7, `scale ${scale}: ${r.entropy} vs ${hRef}`);
    assert.equal(r.k, dynamicK(hRef, 1, kMax, 5));
    const threshold = finite.sort((a, b) => b - a)[Math.min(r.k, finite.length) - 1];
    const n = topK(x, support, r.k, ref);
    assert.equal(r.n, n);
    assert.equal(r.n, finite.filter((v) => v >= threshold).length);
    assert.deepEqual([...scratch.ids.slice(0, r.n)], [...ref.ids.slice(0, n)]);
  }
});
