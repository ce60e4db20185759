import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { buildEntropyArtifacts, decodeEntropyLog, encodeEntropyLog, EntropySummary, percentile, summarizeEntropy } from '../src/entropy-artifacts';
import { renderHeatmap, viridis } from '../src/heatmap';

// A 2x2 grid, raster order. Entropies are exact in float32.
const records = [
  { row: 0, entropy: 0, k: 14 },
  { row: 0, entropy: 2, k: 100 },
  { row: 1, entropy: 4, k: 500 },
  { row: 1, entropy: 9.5, k: 1982 },
];

describe('entropy log', () => {
  test('little-endian float32 (entropy, k) pairs in order', () => {
    const bytes = encodeEntropyLog(records);
    assert.equal(bytes.length, 32);
    // 2.0f = 0x40000000 LE -> 00 00 00 40 at bytes 8..11; k=100 = 0x42C80000 -> 00 00 C8 42.
    assert.deepEqual([...bytes.subarray(8, 16)], [0, 0, 0, 0x40, 0, 0, 0xc8, 0x42]);
    assert.deepEqual(decodeEntropyLog(bytes), records.map(({ entropy, k }) => ({ entropy, k })));
  });

  test('a truncated log is refused', () => {
    assert.throws(() => decodeEntropyLog(new Uint8Array(12)));
  });
});

describe('summary', () => {
  test('hand-computed values', () => {
    const s = summarizeEntropy(records, 2);
    assert.equal(s.count, 4);
    assert.equal(s.entropy.mean, 15.5 / 4);
    assert.equal(s.entropy.min, 0);
    assert.equal(s.entropy.max, 9.5);
    // Sorted [0, 2, 4, 9.5]: p50 at position 1.5 -> 3; p90 at 2.7 -> 4 + 0.7*5.5 = 7.85; p99 at 2.97 -> 4 + 0.97*5.5 = 9.335.
    assert.equal(s.entropy.p50, 3);
    assert.ok(Math.abs(s.entropy.p90 - 7.85) < 1e-12);
    assert.ok(Math.abs(s.entropy.p99 - 9.335) < 1e-12);
    assert.deepEqual(s.k, { mean: 2596 / 4, min: 14, max: 1982 });
    assert.deepEqual(s.rowMeans, [1, 6.75]);
    assert.deepEqual(EntropySummary.parse(JSON.parse(JSON.stringify(s))), s);
  });

  test('percentile of one value is that value', () => {
    assert.equal(percentile([5], 99), 5);
  });
});

describe('heatmap', () => {
  test('viridis ends and middle', () => {
    assert.deepEqual(viridis(0), [68, 1, 84]);
    assert.deepEqual(viridis(1), [253, 231, 37]);
    assert.deepEqual(viridis(0.5), [33, 145, 140]);
    assert.deepEqual(viridis(-1), viridis(0));
    assert.deepEqual(viridis(NaN), viridis(0));
  });

  test('each cell is a nearest-neighbour block of its colour', () => {
    const img = renderHeatmap([0, 5, 10, 2.5], 2, 4, { min: 0, max: 10 });
    const px = (x: number, y: number) => [...img.data.subarray((y * 4 + x) * 3, (y * 4 + x) * 3 + 3)];
    assert.deepEqual(px(0, 0), viridis(0));
    assert.deepEqual(px(1, 1), viridis(0));
    assert.deepEqual(px(2, 0), viridis(0.5));
    assert.deepEqual(px(3, 1), viridis(0.5));
    assert.deepEqual(px(0, 2), viridis(1));
    assert.deepEqual(px(3, 3), viridis(0.25));
  });

  test('artifacts: PNG at image size with the right colour at a known cell', async () => {
    const a = await buildEntropyArtifacts(records, 2, 16, 9.5);
    assert.equal(a.log.length, 32);
    assert.equal(a.summary.count, 4);
    const { data, info } = await sharp(a.heatmap).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height, info.channels], [16, 16, 3]);
    // Token (row 1, col 1) has entropy 9.5 = max: the bright end, pixels 8..15 in both axes.
    assert.deepEqual([...data.subarray((12 * 16 + 12) * 3, (12 * 16 + 12) * 3 + 3)], viridis(1));
    assert.deepEqual([...data.subarray(0, 3)], viridis(0));
    await assert.rejects(buildEntropyArtifacts(records.slice(1), 2, 16, 9.5));
  });
});
