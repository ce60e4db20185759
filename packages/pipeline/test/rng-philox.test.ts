import { test } from 'node:test';
import assert from 'node:assert/strict';
import { philox4x32, uniform, Branch } from '../src/rng/philox';

// Known-answer vectors published with Random123 (D. E. Shaw Research), file `tests/kat_vectors`,
// lines "philox4x32 7 ..." and "philox4x32 10 ...": counter words, key words, expected output words.
// The same three 10-round vectors are quoted in TensorFlow's stateful random ops test, which cites
// DEShawResearch/Random123-Boost libs/random/test/test_philox.cpp L50-L52.
const KAT: Array<[number, number[], number[], number[]]> = [
  [10, [0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
  [10, [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
  [10, [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
  [7, [0, 0, 0, 0], [0, 0], [0x5f6fb709, 0x0d893f64, 0x4f121f81, 0x4f730a48]],
  [7, [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x5207ddc2, 0x45165e59, 0x4d8ee751, 0x8c52f662]],
  [7, [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0x4dfccaba, 0x190a87f0, 0xc47362ba, 0xb6b5242a]],
];

test('philox4x32 matches the Random123 known-answer vectors', () => {
  for (const [rounds, ctr, key, want] of KAT) {
    assert.deepEqual([...philox4x32(ctr, key, rounds)], want, `rounds ${rounds} ctr ${ctr.map((x) => x.toString(16))}`);
  }
});

/** An independent BigInt Philox4x32, written from the paper's round function, for random cross-checks. */
function philoxBig(ctr: number[], key: number[], rounds: number): number[] {
  const m = 0xffffffffn;
  let [c0, c1, c2, c3] = ctr.map(BigInt);
  let [k0, k1] = key.map(BigInt);
  for (let r = 0; r < rounds; r++) {
    if (r > 0) {
      k0 = (k0 + 0x9e3779b9n) & m;
      k1 = (k1 + 0xbb67ae85n) & m;
    }
    const p0 = 0xd2511f53n * c0;
    const p1 = 0xcd9e8d57n * c2;
    [c0, c1, c2, c3] = [((p1 >> 32n) ^ c1 ^ k0) & m, p1 & m, ((p0 >> 32n) ^ c3 ^ k1) & m, p0 & m];
  }
  return [c0, c1, c2, c3].map(Number);
}

test('philox4x32 agrees with an independent BigInt implementation on pseudo-random inputs', () => {
  let x = 12345;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  for (let i = 0; i < 200; i++) {
    const ctr = [next(), next(), next(), next()];
    const key = [next(), next()];
    assert.deepEqual([...philox4x32(ctr, key)], philoxBig(ctr, key, 10));
  }
});

test('uniform maps (seed, branch, position) to key [seed, 0] and counter [position, 0, branch, 0], 53 bits', () => {
  // seed 0, branch 0, position 0 is the all-zero KAT: w0 = 0x6627e8d5, w1 = 0xe169c58d.
  const want0 = Number((0x6627e8d5n >> 5n) * 2n ** 26n + (0xe169c58dn >> 6n)) / 2 ** 53;
  assert.equal(uniform(0, 0, 0), want0);
  // The top 27 bits of w0 lead: within 2^-26 of w0 / 2^32 = 0.39904...
  assert.ok(Math.abs(want0 - 0x6627e8d5 / 2 ** 32) < 2 ** -26);
  const cases: Array<[number, number, number]> = [
    [0xffffffff, Branch.image, 4095],
    [42, Branch.text, 7],
    [7, Branch.image, 2 ** 32 + 5],
  ];
  for (const [seed, branch, pos] of cases) {
    const w = philoxBig([pos % 2 ** 32, Math.floor(pos / 2 ** 32), branch, 0], [seed, 0], 10);
    const want = Number((BigInt(w[0]) >> 5n) * 2n ** 26n + (BigInt(w[1]) >> 6n)) / 2 ** 53;
    assert.equal(uniform(seed, branch, pos), want);
  }
});

test('uniform is a pure function of its key, lies in [0, 1) and looks uniform', () => {
  assert.equal(uniform(9, Branch.image, 100), uniform(9, Branch.image, 100));
  assert.notEqual(uniform(9, Branch.image, 100), uniform(9, Branch.text, 100));
  assert.notEqual(uniform(9, Branch.image, 100), uniform(10, Branch.image, 100));
  let sum = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const u = uniform(1, Branch.image, i);
    assert.ok(u >= 0 && u < 1);
    sum += u;
  }
  // mean of n uniforms: sd = sqrt(1/12/n) ~ 0.002; 5 sd bound.
  assert.ok(Math.abs(sum / n - 0.5) < 0.011);
  assert.throws(() => uniform(1, 0, -1), RangeError);
});
