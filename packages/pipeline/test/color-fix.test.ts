import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { colorFix } from '../src/color-fix';

// An independent float64 reading of StableSR's wavelet_color_fix: explicit replicate padding by `r`, then a
// 3x3 correlation with [[1,2,1],[2,4,2],[1,2,1]]/16 whose taps are `r` apart; 5 levels, r = 1, 2, 4, 8, 16;
// high = sum of (image - blur) per level; result = high(output) + last blur(lq), clamped to [0,1], *255 truncated.
type Planes = number[][][]; // [c][y][x]

function planes(data: Uint8Array, w: number, h: number): Planes {
  return [0, 1, 2].map((c) => Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, x) => data[(y * w + x) * 3 + c] / 255)));
}

function padReplicate(p: number[][], r: number): number[][] {
  const h = p.length;
  const w = p[0].length;
  const out: number[][] = [];
  for (let y = -r; y < h + r; y++) {
    const row: number[] = [];
    for (let x = -r; x < w + r; x++) row.push(p[Math.min(Math.max(y, 0), h - 1)][Math.min(Math.max(x, 0), w - 1)]);
    out.push(row);
  }
  return out;
}

function blur64(p: number[][], r: number): number[][] {
  const k = [[1, 2, 1], [2, 4, 2], [1, 2, 1]];
  const padded = padReplicate(p, r);
  return p.map((row, y) =>
    row.map((_, x) => {
      let s = 0;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += (k[i][j] / 16) * padded[y + i * r][x + j * r];
      return s;
    }),
  );
}

function decompose(p: number[][]): { high: number[][]; low: number[][] } {
  let img = p;
  const high = p.map((row) => row.map(() => 0));
  for (let i = 0; i < 5; i++) {
    const low = blur64(img, 2 ** i);
    for (let y = 0; y < p.length; y++) for (let x = 0; x < p[0].length; x++) high[y][x] += img[y][x] - low[y][x];
    img = low;
  }
  return { high, low: img };
}

function reference(out: Uint8Array, lq: Uint8Array, w: number, h: number): { value: number[]; exact: number[] } {
  const po = planes(out, w, h);
  const pl = planes(lq, w, h);
  const value: number[] = new Array(w * h * 3);
  const exact: number[] = new Array(w * h * 3);
  for (let c = 0; c < 3; c++) {
    const hi = decompose(po[c]).high;
    const lo = decompose(pl[c]).low;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const v = Math.min(Math.max(hi[y][x] + lo[y][x], 0), 1) * 255;
        value[(y * w + x) * 3 + c] = Math.trunc(v);
        // float32 arithmetic in the code under test may cross an integer only when v is this close to one.
        exact[(y * w + x) * 3 + c] = Math.abs(v - Math.round(v)) > 1e-3 ? 1 : 0;
      }
  }
  return { value, exact };
}

function pseudo(n: number, seed: number): Uint8Array {
  let s = seed >>> 0;
  return Uint8Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 24;
  });
}

describe('colorFix', () => {
  test('a constant LQ and a constant output give the LQ constant', () => {
    const w = 9;
    const h = 7;
    const out = new Uint8Array(w * h * 3).fill(30);
    const lq = Uint8Array.from({ length: w * h * 3 }, (_, i) => [200, 100, 51][i % 3]);
    const fixed = colorFix({ data: out, width: w, height: h }, { data: lq, width: w, height: h });
    // Every band of a constant image is 0 and its low frequency is the constant: 200/255*255 etc.
    // 51/255*255 may land a hair under 51 in float32, so only the high channels are checked for exactness.
    for (let i = 0; i < w * h; i++) {
      assert.equal(fixed.data[i * 3], 200);
      assert.equal(fixed.data[i * 3 + 1], 100);
      assert.ok(fixed.data[i * 3 + 2] === 51 || fixed.data[i * 3 + 2] === 50);
    }
  });

  test('an output equal to the LQ comes back (up to float rounding)', () => {
    const img = { data: pseudo(12 * 10 * 3, 3), width: 12, height: 10 };
    const fixed = colorFix(img, img);
    for (let i = 0; i < img.data.length; i++) assert.ok(Math.abs(fixed.data[i] - img.data[i]) <= 1);
  });

  test('matches the float64 reference on a synthetic image (radius larger than the image included)', () => {
    const w = 24;
    const h = 20;
    const out = pseudo(w * h * 3, 9);
    // A smooth LQ with a colour cast, so low and high frequencies differ from the output's.
    const lq = Uint8Array.from({ length: w * h * 3 }, (_, i) => {
      const p = Math.floor(i / 3);
      return Math.min(255, 40 + ((p % w) * 5 + Math.floor(p / w) * 3 + (i % 3) * 50) % 200);
    });
    const got = colorFix({ data: out, width: w, height: h }, { data: lq, width: w, height: h });
    const ref = reference(out, lq, w, h);
    let exact = 0;
    for (let i = 0; i < got.data.length; i++) {
      if (ref.exact[i]) {
        exact++;
        assert.equal(got.data[i], ref.value[i], `index ${i}`);
      } else assert.ok(Math.abs(got.data[i] - ref.value[i]) <= 1, `index ${i}`);
    }
    assert.ok(exact > got.data.length * 0.9, `${exact} exact of ${got.data.length}`);
    // The fix changed something: the result is neither the output nor the LQ.
    assert.notDeepEqual([...got.data], [...out]);
    assert.notDeepEqual([...got.data], [...lq]);
  });

  test('sizes must match', () => {
    const a = { data: new Uint8Array(12), width: 2, height: 2 };
    const b = { data: new Uint8Array(27), width: 3, height: 3 };
    assert.throws(() => colorFix(a, b));
  });
});
