import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { float16ToFloat32, float32ToFloat16, fromFloat16Bits, toFloat16Bits } from '../src/onnx/float16';
import { GraphBuilder, MS_DOMAIN, MS_OPSET, floatAttr } from '../src/onnx/graph-builder';
import { readModelSignature } from '../src/onnx/read-model';
import { encodeGraphOnly, writeModel } from '../src/onnx/write-model';
import { OrtSession, tensor } from '../src/session';

const dir = mkdtempSync(join(tmpdir(), 'onnx-writer-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('float16', () => {
  test('hand-checked bit patterns', () => {
    // 1.0 = 0x3c00, -2 = 0xc000, 65504 = 0x7bff (max), 2^-24 = 0x0001 (min subnormal), 1/3 ~ 0x3555
    assert.equal(toFloat16Bits(1), 0x3c00);
    assert.equal(toFloat16Bits(-2), 0xc000);
    assert.equal(toFloat16Bits(65504), 0x7bff);
    assert.equal(toFloat16Bits(65520), 0x7c00); // rounds up to inf
    assert.equal(toFloat16Bits(2 ** -24), 0x0001);
    assert.equal(toFloat16Bits(2 ** -26), 0x0000);
    assert.equal(toFloat16Bits(1 / 3), 0x3555);
    assert.equal(toFloat16Bits(1 + 2 ** -11), 0x3c00); // tie goes to even
    assert.equal(toFloat16Bits(1 + 3 * 2 ** -11), 0x3c02); // tie goes to even (up)
    assert.equal(toFloat16Bits(-0), 0x8000);
    assert.ok(Number.isNaN(fromFloat16Bits(toFloat16Bits(NaN))));
  });
  test('round trip of every finite half value', () => {
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00) continue;
      assert.equal(toFloat16Bits(fromFloat16Bits(h)), h);
    }
    const xs = float16ToFloat32(float32ToFloat16([0.1, -3.25, 1000]));
    assert.deepEqual(Array.from(xs), [0.0999755859375, -3.25, 1000]);
  });
});

function smallGraph(dtype: 'float32' | 'float16'): GraphBuilder {
  const g = new GraphBuilder('small');
  const x = g.input('x', dtype, ['batch', 4]);
  const w = g.initializer('w', dtype, [4, 300], Float32Array.from({ length: 1200 }, (_, i) => (i % 7) - 3));
  const b = g.initializer('b', dtype, [300], Float32Array.from({ length: 300 }, (_, i) => i / 4));
  const y = g.op('Add', [g.op('MatMul', [x, w]), b]);
  const [l, r] = g.ops('Split', [y, g.constI64([100, 200])], 2, { axis: -1 });
  g.op('Concat', [r, l], { axis: 1 }, 'y');
  g.op('LeakyRelu', [x], { alpha: floatAttr(2) }, 'z');
  g.output('y', dtype, ['batch', 300]);
  g.output('z', dtype, ['batch', 4]);
  return g;
}

function expected(x: number[]): number[] {
  const y = Array.from({ length: 300 }, (_, j) => x.reduce((s, xi, i) => s + xi * ((i * 300 + j) % 7 - 3), 0) + j / 4);
  return [...y.slice(100), ...y.slice(0, 100)];
}

describe('ONNX writer', () => {
  test('fp32 inline model runs in ORT with the expected values', async () => {
    const path = join(dir, 'f32.onnx');
    const res = writeModel(smallGraph('float32'), path);
    assert.equal(res.external, false);
    const s = await OrtSession.create(path);
    const out = await s.run({ x: tensor('float32', Float32Array.from([1, 2, -1, 0.5]), [1, 4]) });
    assert.deepEqual(Array.from(out.y.data as Float32Array), expected([1, 2, -1, 0.5]));
    assert.deepEqual(Array.from(out.z.data as Float32Array), [1, 2, -2, 0.5]);
    await s.dispose();
  });

  test('forced external data at tiny scale: side file, offsets, same results', async () => {
    const path = join(dir, 'ext.onnx');
    const res = writeModel(smallGraph('float32'), path, { externalData: 'always' });
    assert.equal(res.external, true);
    assert.ok(existsSync(join(dir, 'ext.onnx.data')));
    const sig = readModelSignature(path);
    assert.equal(sig.initializers.get('w')?.external, true);
    assert.deepEqual(sig.initializers.get('w')?.dims, [4, 300]);
    assert.ok(readFileSync(path).byteLength < 2000, 'weights are not inline');
    const s = await OrtSession.create(path);
    const out = await s.run({ x: tensor('float32', Float32Array.from([1, 2, -1, 0.5]), [1, 4]) });
    assert.deepEqual(Array.from(out.y.data as Float32Array), expected([1, 2, -1, 0.5]));
    await s.dispose();
  });

  test('fp16 initializers run on CPU', async () => {
    const path = join(dir, 'f16.onnx');
    writeModel(smallGraph('float16'), path);
    const s = await OrtSession.create(path);
    const out = await s.run({ x: tensor('float16', float32ToFloat16([1, 2, -1, 0.5]), [1, 4]) });
    const y = float16ToFloat32(out.y.data as Uint16Array);
    const want = expected([1, 2, -1, 0.5]);
    for (let i = 0; i < 300; i++) assert.ok(Math.abs(y[i] - want[i]) <= 1e-3 * Math.max(1, Math.abs(want[i])), `y[${i}]`);
    await s.dispose();
  });

  test('signature reader and graph-only encoding', () => {
    const path = join(dir, 'sig.onnx');
    writeModel(smallGraph('float32'), path);
    const sig = readModelSignature(path);
    assert.deepEqual(sig.inputs, [{ name: 'x', dtype: 'float32', dims: ['batch', 4] }]);
    assert.deepEqual(sig.outputs.map((o) => o.name), ['y', 'z']);
    assert.equal(sig.opsets[0].version, 17);
    const g = new GraphBuilder('stub');
    const x = g.input('x', 'float32', [1, 8]);
    g.op('MatMul', [x, g.initializer('huge', 'float32', [8, 1 << 28])], {}, 'y');
    g.output('y', 'float32', [1, 1 << 28]);
    assert.equal(g.stats().parameters, 8 * 2 ** 28);
    assert.ok(encodeGraphOnly(g).byteLength < 1000);
    assert.throws(() => writeModel(g, join(dir, 'stub.onnx'), { externalData: 'always' }), /stub/);
  });

  test('com.microsoft contrib ops run with their opset import', async () => {
    const g = new GraphBuilder('contrib', { extraOpsets: [MS_OPSET] });
    const x = g.input('x', 'float32', [3]);
    g.op('Gelu', [x], {}, 'y', MS_DOMAIN);
    g.output('y', 'float32', [3]);
    const path = join(dir, 'contrib.onnx');
    writeModel(g, path);
    assert.deepEqual(readModelSignature(path).opsets, [{ domain: '', version: 17 }, { domain: 'com.microsoft', version: 1 }]);
    const s = await OrtSession.create(path);
    const out = (await s.run({ x: tensor('float32', Float32Array.from([-1, 0, 2]), [3]) })).y.data as Float32Array;
    // gelu(x) = x * Phi(x): Phi(-1) = 0.158655254, Phi(2) = 0.977249868
    assert.ok(Math.abs(out[0] + 0.158655254) < 1e-6 && out[1] === 0 && Math.abs(out[2] - 1.954499736) < 1e-6, String(out));
    await s.dispose();
  });

  test('duplicate value names are refused', () => {
    const g = new GraphBuilder('dup');
    g.input('x', 'float32', [1]);
    assert.throws(() => g.initializer('x', 'float32', [1], new Float32Array(1)), /already used/);
  });
});
