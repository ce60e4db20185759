import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cubicKernel, resizeBicubic } from '../src/bicubic';

// An independent float64 reading of Pillow's BICUBIC: each output sample is the kernel-weighted mean of
// every input sample (kernel widened by the scale factor when shrinking), weights renormalised over the
// samples that exist, horizontal pass then vertical, each rounded half up and clipped to [0, 255].
// It has no fixed-point coefficients, so a value within 1e-3 of a rounding tie may legitimately differ by 1.
function keys(x: number): number {
  const t = Math.abs(x);
  if (t < 1) return 1.5 * t ** 3 - 2.5 * t ** 2 + 1;
  if (t < 2) return -0.5 * t ** 3 + 2.5 * t ** 2 - 4 * t + 2;
  return 0;
}

function weights1d(inSize: number, outSize: number): number[][] {
  const scale = inSize / outSize;
  const fs = Math.max(1, scale);
  const rows: number[][] = [];
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    const w: number[] = [];
    for (let i = 0; i < inSize; i++) w.push(keys((i + 0.5 - center) / fs));
    const s = w.reduce((a, b) => a + b, 0);
    rows.push(w.map((v) => v / s));
  }
  return rows;
}

interface Ref { value: Uint8Array; fragile: Uint8Array }

function nearTie(v: number): boolean {
  return Math.abs(v - Math.floor(v) - 0.5) < 1e-3;
}
function round8(v: number): number {
  return Math.min(255, Math.max(0, Math.floor(v + 0.5)));
}

function reference(src: Uint8Array, w: number, h: number, ch: number, ow: number, oh: number): Ref {
  // Horizontal pass (skipped when the width is unchanged, as in Pillow).
  let mid = Float64Array.from(src);
  let midFragile = new Uint8Array(src.length);
  let mw = w;
  if (ow !== w) {
    const W = weights1d(w, ow);
    mid = new Float64Array(ow * h * ch);
    midFragile = new Uint8Array(ow * h * ch);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < ow; x++)
        for (let c = 0; c < ch; c++) {
          let s = 0;
          for (let i = 0; i < w; i++) s += W[x][i] * src[(y * w + i) * ch + c];
          mid[(y * ow + x) * ch + c] = round8(s);
          midFragile[(y * ow + x) * ch + c] = nearTie(s) ? 1 : 0;
        }
    mw = ow;
  }
  if (oh === h) return { value: Uint8Array.from(mid), fragile: midFragile };
  const H = weights1d(h, oh);
  const value = new Uint8Array(ow * oh * ch);
  const fragile = new Uint8Array(ow * oh * ch);
  for (let y = 0; y < oh; y++)
    for (let x = 0; x < mw; x++)
      for (let c = 0; c < ch; c++) {
        let s = 0;
        let f = 0;
        for (let j = 0; j < h; j++) {
          s += H[y][j] * mid[(j * mw + x) * ch + c];
          if (H[y][j] !== 0 && midFragile[(j * mw + x) * ch + c]) f = 1;
        }
        value[(y * mw + x) * ch + c] = round8(s);
        fragile[(y * mw + x) * ch + c] = f || nearTie(s) ? 1 : 0;
      }
  return { value, fragile };
}

function pseudoImage(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

function compare(src: Uint8Array, w: number, h: number, ch: number, ow: number, oh: number) {
  const got = resizeBicubic(src, w, h, ch, ow, oh);
  const ref = reference(src, w, h, ch, ow, oh);
  assert.equal(got.length, ow * oh * ch);
  let fragile = 0;
  for (let i = 0; i < got.length; i++) {
    if (ref.fragile[i]) {
      fragile++;
      assert.ok(Math.abs(got[i] - ref.value[i]) <= 1, `index ${i}: ${got[i]} vs ${ref.value[i]} (near a tie)`);
    } else {
      assert.equal(got[i], ref.value[i], `index ${i}`);
    }
  }
  assert.ok(fragile <= got.length / 4, `${fragile} near-tie samples of ${got.length}`);
}

describe('resizeBicubic (Pillow BICUBIC)', () => {
  test('kernel values: K(0)=1, K(1)=0, K(0.5)=0.5625, K(1.5)=-0.0625', () => {
    assert.equal(cubicKernel(0), 1);
    assert.equal(Math.abs(cubicKernel(1)), 0);
    assert.equal(cubicKernel(0.5), 0.5625);
    assert.equal(cubicKernel(-1.5), -0.0625);
    assert.equal(cubicKernel(2), 0);
  });

  test('hand-derived pixels: 4x1 -> 8x1', () => {
    // Output 0 has centre 0.25 in input space: taps at distances 0.25 and 1.25 (x=-1 is outside the image).
    // K(0.25) = 0.8671875, K(1.25) = -0.0703125, sum 0.796875.
    // [100,200,100,200]: (100*0.8671875 - 200*0.0703125)/0.796875 = 91.176... -> 91.
    // Output 1 has centre 0.75: taps x=0..2 at distances 0.25, 0.75, 1.75: K = 0.8671875, 0.2265625,
    // -0.0234375, sum 1.0703125: (86.71875 + 45.3125 - 2.34375)/1.0703125 = 121.168... -> 121.
    const out = resizeBicubic(Uint8Array.from([100, 200, 100, 200]), 4, 1, 1, 8, 1);
    assert.equal(out[0], 91);
    assert.equal(out[1], 121);
  });

  test('hand-derived pixel: 2x1 -> 1x1 averages with the widened kernel', () => {
    // Scale 2, support 4: centre 1, taps at distances 0.5 and 0.5 scaled by 1/2 -> equal weights: (10+21)/2 = 15.5 -> 16.
    assert.deepEqual([...resizeBicubic(Uint8Array.from([10, 21]), 2, 1, 1, 1, 1)], [16]);
  });

  test('constant image stays constant', () => {
    const src = new Uint8Array(5 * 7 * 3).fill(137);
    assert.ok(resizeBicubic(src, 5, 7, 3, 11, 3).every((v) => v === 137));
  });

  test('same size returns a copy', () => {
    const src = pseudoImage(4 * 4 * 3, 1);
    const out = resizeBicubic(src, 4, 4, 3, 4, 4);
    assert.deepEqual(out, src);
    assert.notEqual(out, src);
  });

  test('4x4 -> 8x8 matches the float64 reference', () => compare(pseudoImage(4 * 4 * 3, 7), 4, 4, 3, 8, 8));
  test('8x8 -> 3x3 matches the float64 reference', () => compare(pseudoImage(8 * 8 * 3, 11), 8, 8, 3, 3, 3));
  test('32x16 -> 16x48 (mixed shrink and grow) matches', () => compare(pseudoImage(32 * 16 * 3, 5), 32, 16, 3, 16, 48));
  test('width only and height only', () => {
    compare(pseudoImage(9 * 6, 3), 9, 6, 1, 20, 6);
    compare(pseudoImage(9 * 6, 4), 9, 6, 1, 9, 2);
  });
  test('overshoot clips at 0 and 255', () => {
    const src = Uint8Array.from([0, 255, 0, 255, 0, 255, 0, 255]);
    compare(src, 8, 1, 1, 16, 1);
    const out = resizeBicubic(src, 8, 1, 1, 16, 1);
    assert.ok(out.includes(0) && out.includes(255));
  });

  // Golden values from Pillow 12.3 itself (`Image.fromarray(a, 'RGB').resize((3, 7), Image.BICUBIC)`),
  // recorded once by running Pillow outside this repo: a check against the reference library, not our code.
  test('matches Pillow on a 5x4 -> 3x7 RGB image', () => {
    const src = [114, 104, 41, 77, 130, 82, 247, 199, 163, 92, 212, 98, 122, 202, 24, 155, 237, 103, 79, 119, 227, 135, 181, 181, 222, 196, 19, 88, 66, 30, 207, 22, 56, 63, 78, 75, 253, 127, 118, 161, 45, 7, 238, 158, 1, 105, 22, 251, 197, 165, 13, 62, 8, 72, 100, 108, 79, 29, 71, 242];
    const pillow = [96, 106, 50, 179, 190, 135, 107, 216, 58, 103, 140, 93, 165, 187, 147, 119, 183, 45, 117, 187, 159, 144, 175, 162, 144, 126, 21, 133, 118, 115, 168, 135, 128, 190, 112, 0, 145, 43, 67, 184, 93, 83, 204, 108, 8, 146, 66, 121, 130, 74, 56, 105, 92, 122, 146, 86, 157, 97, 66, 43, 44, 83, 190];
    assert.deepEqual([...resizeBicubic(Uint8Array.from(src), 5, 4, 3, 3, 7)], pillow);
  });
});
