import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeModel } from '@pure/model/onnx/write-model';
import { readModelSignature } from '@pure/model/onnx/read-model';
import { float16ToFloat32, float32ToFloat16 } from '@pure/model/onnx/float16';
import { OrtSession, tensor } from '@pure/model/session';
import { buildVqGraphs } from '@pure/model/vq/build-vq-graphs';
import { VQ_8, VQ_TINY, type VqConfig } from '@pure/model/vq/vq-config';
import { randomVqWeights, seededRandom } from '@pure/model/vq/vq-random-weights';
import { vqDecoderTensors, vqEncoderTensors, vqTensors, type VqWeights } from '@pure/model/vq/vq-tensors';
import { referenceDecode, referenceEncode } from './reference/vq-f64';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'pure-vq-'));
});
after(() => rmSync(dir, { recursive: true }));

async function sessions(config: VqConfig, weights: VqWeights, dtype: 'float32' | 'float16', tag: string) {
  const { encoder, decoder } = buildVqGraphs({ config, weights, dtype });
  writeModel(encoder, join(dir, `${tag}-enc.onnx`));
  writeModel(decoder, join(dir, `${tag}-dec.onnx`));
  return {
    enc: await OrtSession.create(join(dir, `${tag}-enc.onnx`), { threads: 1 }),
    dec: await OrtSession.create(join(dir, `${tag}-dec.onnx`), { threads: 1 }),
  };
}

/** A smooth image with texture, in [-1, 1], CHW. */
function image(size: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  const [a, b, c] = [rand() * 0.3, rand() * 0.3, rand() * 6];
  const px = new Float32Array(3 * size * size);
  for (let ch = 0; ch < 3; ch++)
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) px[(ch * size + y) * size + x] = Math.sin(a * x + b * y * (ch + 1) + c) * 0.8 + 0.2 * (2 * rand() - 1);
  return px;
}

function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let maxDiff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return maxDiff / scale;
}

async function encode(enc: OrtSession, px: Float32Array, size: number, batch = 1): Promise<number[]> {
  const out = await enc.run({ pixels: tensor('float32', px, [batch, 3, size, size]) });
  return Array.from(out.codes.data as BigInt64Array, Number);
}

/** Asserts the graph's codes equal the reference's argmin wherever the reference margin is clear. */
function assertCodes(got: number[], ref: { codes: number[]; margins: number[] }): void {
  assert.equal(got.length, ref.codes.length);
  let checked = 0;
  for (let i = 0; i < got.length; i++) {
    if (ref.margins[i] <= 1e-4) continue;
    checked++;
    assert.equal(got[i], ref.codes[i], `code at position ${i}`);
  }
  assert.ok(checked >= got.length * 0.9, `only ${checked}/${got.length} positions had a clear margin`);
}

describe('LlamaGen VQ graphs vs the float64 reference', () => {
  const config = VQ_TINY;
  const weights = randomVqWeights(config, 7);
  const grid = config.imageSize / 8;

  test('graphs hold every LlamaGen weight under its own name and shape', () => {
    const { encoder, decoder } = buildVqGraphs({ config, weights });
    for (const [g, specs] of [[encoder, vqEncoderTensors(config)], [decoder, vqDecoderTensors(config)]] as const) {
      const have = new Map(g.initializers.map((t) => [t.name, t.dims]));
      for (const s of specs) if (!s.name.startsWith('quantize.')) assert.deepEqual(have.get(s.name), s.shape, s.name);
    }
  });

  test('fp32: encoder codes are the reference argmin; decoder pixels match within 1e-4', async () => {
    const { enc, dec } = await sessions(config, weights, 'float32', 'f32');
    const sig = readModelSignature(join(dir, 'f32-enc.onnx'));
    assert.deepEqual(sig.outputs.map((o) => [o.name, o.dtype, o.dims]), [['codes', 'int64', ['batch', grid * grid]]]);
    for (const seed of [1, 2]) {
      const px = image(config.imageSize, seed);
      const got = await encode(enc, px, config.imageSize);
      assertCodes(got, referenceEncode(config, weights, px));
      const out = await dec.run({ codes: tensor('int64', BigInt64Array.from(got.map(BigInt)), [1, grid * grid]) });
      assert.deepEqual(out.pixels.dims, [1, 3, config.imageSize, config.imageSize]);
      const err = relErr(out.pixels.data as Float32Array, referenceDecode(config, weights, got));
      assert.ok(err < 1e-4, `decoder relative error ${err}`);
    }
    // A batch of two gives each image the codes it gets alone.
    const a = image(config.imageSize, 3);
    const b = image(config.imageSize, 4);
    const both = new Float32Array(a.length * 2);
    both.set(a);
    both.set(b, a.length);
    assert.deepEqual(await encode(enc, both, config.imageSize, 2), [...(await encode(enc, a, config.imageSize)), ...(await encode(enc, b, config.imageSize))]);
    await enc.dispose();
    await dec.dispose();
  });

  test('fp16 weights run on CPU and match the reference on the fp16-rounded weights', async () => {
    const rounded: VqWeights = new Map([...weights].map(([k, v]) => [k, float16ToFloat32(float32ToFloat16(v))]));
    const { enc, dec } = await sessions(config, weights, 'float16', 'f16');
    const px = image(config.imageSize, 5);
    const got = await encode(enc, px, config.imageSize);
    // The codebook is normalised from the fp32 weights; the reference sees the same codebook.
    rounded.set('quantize.embedding.weight', weights.get('quantize.embedding.weight')!);
    assertCodes(got, referenceEncode(config, rounded, px));
    const out = await dec.run({ codes: tensor('int64', BigInt64Array.from(got.map(BigInt)), [1, grid * grid]) });
    assert.ok(relErr(out.pixels.data as Float32Array, referenceDecode(config, rounded, got)) < 1e-4);
    await enc.dispose();
    await dec.dispose();
  });

  test("PURE's 16384 x 8 codebook on a tiny body", async () => {
    const big: VqConfig = { ...config, codebookSize: 16384, codeDim: 8 };
    const w = randomVqWeights(big, 11);
    const { enc, dec } = await sessions(big, w, 'float32', 'big');
    const px = image(big.imageSize, 6);
    const got = await encode(enc, px, big.imageSize);
    assertCodes(got, referenceEncode(big, w, px));
    assert.ok(got.some((c) => c >= 8192), 'codes reach the upper half of the codebook');
    const out = await dec.run({ codes: tensor('int64', BigInt64Array.from(got.map(BigInt)), [1, grid * grid]) });
    assert.deepEqual(out.pixels.dims, [1, 3, big.imageSize, big.imageSize]);
    await enc.dispose();
    await dec.dispose();
  });

  test("VQ-8 at 512 px builds with LlamaGen's 70.1M parameters, reading no weights until written", () => {
    const { encoder, decoder } = buildVqGraphs({ config: VQ_8, weights: (name) => assert.fail(`read ${name}`) });
    const names = new Map(vqTensors(VQ_8).map((t) => [t.name, t.shape]));
    let params = 0;
    for (const t of [...encoder.initializers, ...decoder.initializers]) {
      if (names.has(t.name)) params += t.dims.reduce((a, b) => a * b, 1);
    }
    const codebook = 16384 * 8; // held by both graphs, normalised, under their own name
    assert.equal(params + codebook, 70_109_835);
    assert.deepEqual(encoder.inputs[0].type.tensorType.shape.dim.map((d) => d.dimValue ?? d.dimParam), ['batch', 3, 512, 512]);
    assert.deepEqual(encoder.outputs[0].type.tensorType.shape.dim.map((d) => d.dimValue ?? d.dimParam), ['batch', 4096]);
    assert.deepEqual(decoder.outputs[0].type.tensorType.shape.dim.map((d) => d.dimValue ?? d.dimParam), ['batch', 3, 512, 512]);
  });
});
