import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSafetensors, openSafetensorsDir } from '@pure/model/import/open-safetensors';
import { openTorchCheckpoint } from '@pure/model/import/open-torch-checkpoint';
import { decodeToF32 } from '@pure/model/import/dtype';
import { ImportError } from '@pure/model/import/import-error';
import { encodeFloats, safetensorsBytes, writeShardedSafetensors } from './fixtures/write-safetensors';
import { writeTorchCheckpoint } from './fixtures/write-torch-checkpoint';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'pure-import-'));
const f32 = (xs: number[]): Uint8Array => new Uint8Array(Float32Array.from(xs).buffer);

describe('dtype conversions', () => {
  test('bf16 and f16 bytes decode to the values', () => {
    const xs = [1, -0.5, 3.25, 100];
    assert.deepEqual([...decodeToF32(encodeFloats(xs, 'BF16'), 'BF16')], xs);
    assert.deepEqual([...decodeToF32(encodeFloats(xs, 'F16'), 'F16')], xs);
  });
});

describe('safetensors', () => {
  test('reads sharded checkpoints lazily by name', async () => {
    const dir = tmp();
    try {
      writeShardedSafetensors(dir, [
        { name: 'a', dtype: 'F32', shape: [2, 2], data: f32([1, 2, 3, 4]) },
        { name: 'b', dtype: 'BF16', shape: [3], data: encodeFloats([1, 2, 3], 'BF16') },
        { name: 'c', dtype: 'F16', shape: [1], data: encodeFloats([0.5], 'F16') },
      ], 2);
      const src = await openSafetensorsDir(dir);
      assert.deepEqual(src.names().sort(), ['a', 'b', 'c']);
      assert.deepEqual(src.info('b'), { name: 'b', dtype: 'BF16', shape: [3], file: join(dir, 'model-00001-of-00002.safetensors') });
      assert.deepEqual([...decodeToF32(src.bytes('a'), 'F32')], [1, 2, 3, 4]);
      assert.deepEqual([...decodeToF32(src.bytes('c'), 'F16')], [0.5]);
      src.close();
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
  test('a truncated shard is refused naming the file and tensor', async () => {
    const dir = tmp();
    try {
      const path = join(dir, 'x.safetensors');
      const bytes = safetensorsBytes([{ name: 'w', dtype: 'F32', shape: [4], data: f32([1, 2, 3, 4]) }]);
      writeFileSync(path, bytes.subarray(0, bytes.length - 3));
      await assert.rejects(openSafetensors(path), (e: Error) => e instanceof ImportError && e.message.includes(path) && e.message.includes('tensor w') && /truncated/.test(e.message));
      writeFileSync(path, bytes.subarray(0, 5));
      await assert.rejects(openSafetensors(path), (e: Error) => e instanceof ImportError && e.message.includes(path));
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
  test('a shard named in the index but absent is refused naming it', async () => {
    const dir = tmp();
    try {
      const [first] = writeShardedSafetensors(dir, [
        { name: 'a', dtype: 'F32', shape: [1], data: f32([1]) },
        { name: 'b', dtype: 'F32', shape: [1], data: f32([2]) },
      ], 2);
      rmSync(join(dir, first));
      await assert.rejects(openSafetensorsDir(dir), (e: Error) => e instanceof ImportError && e.message.includes(first));
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('torch checkpoint', () => {
  test('reads the state dict under "model" with offsets, skipping other entries', async () => {
    const dir = tmp();
    try {
      const path = join(dir, 'vq.pt');
      writeTorchCheckpoint(path, [
        { name: 'conv.weight', storage: 'FloatStorage', shape: [2, 3], data: f32([1, 2, 3, 4, 5, 6]) },
        { name: 'conv.bias', storage: 'FloatStorage', shape: [2], offset: 1, data: f32([9, 7, 8]) },
        { name: 'half', storage: 'HalfStorage', shape: [2], data: encodeFloats([0.25, -4], 'F16') },
        { name: 'used', storage: 'LongStorage', shape: [1], data: new Uint8Array(8) },
      ], 'model', 'vq_ds8_c2i');
      const src = await openTorchCheckpoint(path);
      assert.deepEqual(src.names(), ['conv.weight', 'conv.bias', 'half', 'used']);
      assert.deepEqual(src.info('conv.weight')?.shape, [2, 3]);
      assert.equal(src.info('used')?.dtype, 'I64');
      assert.deepEqual([...decodeToF32(src.bytes('conv.weight'), 'F32')], [1, 2, 3, 4, 5, 6]);
      assert.deepEqual([...decodeToF32(src.bytes('conv.bias'), 'F32')], [7, 8]);
      assert.deepEqual([...decodeToF32(src.bytes('half'), 'F16')], [0.25, -4]);
      src.close();
      await assert.rejects(openTorchCheckpoint(path, 'ema'), (e: Error) => e instanceof ImportError && e.message.includes('"ema"'));
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
  test('a non-contiguous tensor is refused naming it', async () => {
    const dir = tmp();
    try {
      const path = join(dir, 'vq.pt');
      writeTorchCheckpoint(path, [{ name: 'quantize.embedding.weight', storage: 'FloatStorage', shape: [2, 3], stride: [1, 2], data: f32([1, 2, 3, 4, 5, 6]) }]);
      const src = await openTorchCheckpoint(path);
      assert.throws(() => src.bytes('quantize.embedding.weight'), (e: Error) => e instanceof ImportError && e.message.includes('quantize.embedding.weight') && /contiguous/.test(e.message));
      src.close();
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
  test('a truncated file is refused naming it', async () => {
    const dir = tmp();
    try {
      const path = join(dir, 'vq.pt');
      writeTorchCheckpoint(path, [{ name: 'w', storage: 'FloatStorage', shape: [64], data: f32(new Array(64).fill(1)) }]);
      const whole = readFileSync(path);
      writeFileSync(path, whole.subarray(0, whole.length - 40));
      await assert.rejects(openTorchCheckpoint(path), (e: Error) => e instanceof ImportError && e.message.includes(path));
      await assert.rejects(openTorchCheckpoint(join(dir, 'absent.pt')), (e: Error) => e instanceof ImportError && e.message.includes('absent.pt'));
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
