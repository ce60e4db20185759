import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importPure } from '@pure/model/import/import-pure';
import { ImportError } from '@pure/model/import/import-error';
import { loadModelPackage } from '@pure/model/load-model-package';
import { OrtSession, tensor } from '@pure/model/session';
import { VQ_TINY, type VqConfig } from '@pure/model/vq/vq-config';
import { maxRelError, runDecoder } from './decoder-harness';
import { writeLlamaGenVq, writePureFolder, type FixtureEdit, type PureFixtureDims } from './fixtures/write-pure-checkpoint';
import { referenceLastLogits } from './reference/decoder-f64';
import { referenceDecode, referenceEncode } from './reference/vq-f64';
import type { TorchFixtureTensor } from './fixtures/write-torch-checkpoint';

const dims: PureFixtureDims = { layers: 2, hidden: 32, heads: 2, intermediate: 48, vocab: 73728, maxPositions: 64 };
const vqConfig: VqConfig = { ...VQ_TINY, codebookSize: 16384 };

let root: string;
let pureDir: string;
let vqFile: string;
let pureWeights: Map<string, Float32Array>;
let vqWeights: Map<string, Float32Array>;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'pure-import-pkg-'));
  pureDir = join(root, 'PURE');
  mkdirSync(pureDir);
  pureWeights = writePureFolder(pureDir, dims);
  vqFile = join(root, 'vq_ds8_c2i.pt');
  vqWeights = writeLlamaGenVq(vqFile, vqConfig);
});
after(() => rmSync(root, { recursive: true }));

/** Expects importPure to refuse with an ImportError whose message contains every `names`, writing nothing. */
async function refused(opts: { pureDir?: string; vqFile?: string }, ...names: string[]): Promise<void> {
  const outDir = join(root, `out-${Math.random().toString(36).slice(2)}`);
  await assert.rejects(importPure({ pureDir, vqFile, outDir, dtype: 'float32', vqConfig, ...opts }), (e: Error) => {
    assert.ok(e instanceof ImportError, `ImportError, got ${e.name}: ${e.message}`);
    for (const n of names) assert.ok(e.message.includes(n), `"${e.message}" names ${n}`);
    return true;
  });
  assert.equal(existsSync(outDir), false, 'nothing written');
}

function brokenPure(edit: FixtureEdit): string {
  const dir = join(root, `pure-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  writePureFolder(dir, dims, { edit });
  return dir;
}

function brokenVq(edit: (t: TorchFixtureTensor[]) => TorchFixtureTensor[]): string {
  const path = join(root, `vq-${Math.random().toString(36).slice(2)}.pt`);
  writeLlamaGenVq(path, vqConfig, { edit });
  return path;
}

describe('importPure', () => {
  test('writes a package whose graphs match the float64 references on the checkpoint weights', async () => {
    const outDir = join(root, 'pkg');
    const { manifest, dropped } = await importPure({ pureDir, vqFile, outDir, dtype: 'float32', vqConfig, name: 'pure-test' });
    assert.ok(dropped.includes('model.vqmodel.quantize.embedding.weight'));
    assert.ok(dropped.includes('vq_ds8_c2i.pt:quantize.codebook_used'));
    assert.deepEqual(manifest.vocab.imageCodes, [
      { firstCode: 0, firstId: 4, count: 8192 },
      { firstCode: 8192, firstId: 65536, count: 8192 },
    ]);
    assert.deepEqual([manifest.vocab.imageStart, manifest.vocab.imageEnd, manifest.vocab.rowEnd, manifest.vocab.endOfTurn], [8197, 8196, 8803, 8710]);
    assert.deepEqual(manifest.image, { size: 64, downsample: 8 });
    assert.equal(manifest.decoder.headDim, 16);
    const loaded = await loadModelPackage(outDir);
    assert.equal(readFileSync(loaded.paths.tokenizer, 'utf8'), readFileSync(join(pureDir, 'text_tokenizer.json'), 'utf8'));

    const dec = await OrtSession.create(loaded.paths.decoder, { threads: 1 });
    const ids = [0, 8197, 8820, 4, 65600, 8803];
    const positions = ids.map((_, i) => i);
    const got = await runDecoder(dec, manifest.decoder, [ids], [positions], [ids.map(() => 1)]);
    const refCfg = { ...dims, headDim: 16, vocabSize: dims.vocab, ropeTheta: 10000, normEps: 1e-5, qkNorm: true };
    const want = referenceLastLogits(refCfg, (name) => pureWeights.get(name)!, ids, positions);
    assert.ok(maxRelError(got.logits, want) < 1e-4, `decoder logits error ${maxRelError(got.logits, want)}`);
    await dec.dispose();

    const enc = await OrtSession.create(loaded.paths.vqEncoder, { threads: 1 });
    const vqd = await OrtSession.create(loaded.paths.vqDecoder, { threads: 1 });
    const px = Float32Array.from({ length: 3 * 64 * 64 }, (_, i) => Math.sin(i * 0.011) * 0.9);
    const codes = Array.from((await enc.run({ pixels: tensor('float32', px, [1, 3, 64, 64]) })).codes.data as BigInt64Array, Number);
    const ref = referenceEncode(vqConfig, vqWeights, px);
    codes.forEach((c, i) => ref.margins[i] > 1e-4 && assert.equal(c, ref.codes[i], `code ${i}`));
    const pixels = (await vqd.run({ codes: tensor('int64', BigInt64Array.from(codes.map(BigInt)), [1, 64]) })).pixels;
    assert.deepEqual(pixels.dims, [1, 3, 64, 64]);
    assert.ok(maxRelError(pixels.data as Float32Array, referenceDecode(vqConfig, vqWeights, codes)) < 1e-4);
    await enc.dispose();
    await vqd.dispose();
  });

  test('refuses a missing tensor, naming it', async () => {
    await refused({ pureDir: brokenPure((t) => t.filter((x) => x.name !== 'model.layers.1.mlp.up_proj.weight')) }, 'model.layers.1.mlp.up_proj.weight', 'missing');
  });

  test('refuses a wrong shape, naming the tensor and its shard', async () => {
    const dir = brokenPure((t) => t.map((x) => (x.name === 'model.norm.weight' ? { ...x, shape: [16], data: x.data.subarray(0, 32) } : x)));
    await refused({ pureDir: dir }, 'model.norm.weight', '[16]', '.safetensors');
  });

  test('refuses a wrong dtype, naming the tensor', async () => {
    const name = 'model.layers.0.self_attn.q_proj.weight';
    const dir = brokenPure((t) => t.map((x) => (x.name === name ? { ...x, dtype: 'I64', data: new Uint8Array(x.data.length * 4) } : x)));
    await refused({ pureDir: dir }, name, 'I64');
  });

  test('refuses a truncated shard, naming the file', async () => {
    const dir = brokenPure((t) => t);
    const shard = join(dir, 'model-00003-of-00003.safetensors');
    truncateSync(shard, statSync(shard).size - 10);
    await refused({ pureDir: dir }, shard, 'truncated');
  });

  test('refuses unmerged LoRA tensors and a config the graph cannot express, naming them', async () => {
    const lora = 'model.layers.0.self_attn.q_proj.lora_A.weight';
    await refused({ pureDir: brokenPure((t) => [...t, { ...t[1], name: lora }]) }, lora, 'LoRA');
    const dir = brokenPure((t) => t);
    const configPath = join(dir, 'config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    writeFileSync(configPath, JSON.stringify({ ...config, rope_scaling: { type: 'linear', factor: 2 } }));
    await refused({ pureDir: dir }, configPath, 'rope_scaling');
    // Settings that change the reference's forward pass: PURE runs with these off.
    for (const [field, value] of [['mask_image_logits', true], ['swin_norm', true], ['hidden_act', 'gelu']] as const) {
      writeFileSync(configPath, JSON.stringify({ ...config, [field]: value }));
      await refused({ pureDir: dir }, configPath, field);
    }
  });

  test('refuses broken VQ checkpoints: missing tensor, wrong shape, wrong dtype, truncated file', async () => {
    await refused({ vqFile: brokenVq((t) => t.filter((x) => x.name !== 'decoder.conv_out.bias')) }, 'decoder.conv_out.bias', 'missing');
    await refused(
      { vqFile: brokenVq((t) => t.map((x) => (x.name === 'quantize.embedding.weight' ? { ...x, shape: [16384, 4], data: x.data.subarray(0, 16384 * 16) } : x))) },
      'quantize.embedding.weight', '[16384,4]',
    );
    await refused(
      { vqFile: brokenVq((t) => t.map((x) => (x.name === 'encoder.conv_in.bias' ? { ...x, storage: 'LongStorage', data: new Uint8Array(x.data.length * 2) } : x))) },
      'encoder.conv_in.bias', 'I64',
    );
    const cut = brokenVq((t) => t);
    truncateSync(cut, statSync(cut).size - 100);
    await refused({ vqFile: cut }, cut);
  });

  test('refuses a weight beyond float16 range when importing as float16, naming it', async () => {
    const name = 'model.layers.0.mlp.down_proj.weight';
    const dir = brokenPure((t) => t.map((x) => {
      if (x.name !== name) return x;
      const data = x.data.slice();
      new DataView(data.buffer).setUint16(0, 0x4f80, true); // bf16 for 2^32
      return { ...x, data };
    }));
    await assert.rejects(importPure({ pureDir: dir, vqFile, outDir: join(root, 'fp16-out'), dtype: 'float16', vqConfig }), (e: Error) => e instanceof ImportError && e.message.includes(name) && /float16/.test(e.message));
  });
});
