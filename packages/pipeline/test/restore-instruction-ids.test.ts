import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { DEFAULT_PARAMS } from '@pure/contracts/params';
import type { LoadedModelPackage } from '@pure/model/load-model-package';
import { createRestorer } from '../src/restore';
import { loadTextTokenizer } from '../src/text';
import { tinyPackage } from './tiny-packages';

const params = { ...DEFAULT_PARAMS, seed: 99 };

async function run(pkg: LoadedModelPackage, input: Buffer) {
  const restorer = await createRestorer(pkg, { threads: 1 });
  try {
    return await restorer.restore(input, params);
  } finally {
    await restorer.dispose();
  }
}

test("the manifest's instructionIds, when present, are the prompt's instruction", async () => {
  const pkg = await tinyPackage('tiny');
  const input = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 200, g: 40, b: 90 } } }).png().toBuffer();
  const encoded = (await loadTextTokenizer(pkg.paths.tokenizer)).encode(pkg.manifest.prompt.instruction);
  const withIds = (ids: number[]): LoadedModelPackage => ({ ...pkg, manifest: { ...pkg.manifest, prompt: { ...pkg.manifest.prompt, instructionIds: ids } } });

  const plain = await run(pkg, input);
  const same = await run(withIds(encoded), input);
  const other = await run(withIds(encoded.slice(0, 1)), input);
  assert.deepEqual(Buffer.from(same.image), Buffer.from(plain.image), 'the same ids give the same output');
  assert.notDeepEqual(Buffer.from(other.entropy.log), Buffer.from(plain.entropy.log), 'other ids change the generation');
});
