import { after, before, describe, test } from 'node:test';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { DEFAULT_PARAMS, type RestoreParams } from '@pure/contracts/params';
import { NonRetryableError } from '@pure/contracts/errors/non-retryable-error';
import { ensureTinyPackage } from '@pure/model/tiny/ensure-tiny-package';
import { createStorage } from '@pure/storage/storage';
import { startS3, uniquePrefix } from '../../../test/harness/index';
import { InferenceClient } from '../src/inference/inference-client';
import type { GenerationCheckpoint } from '../src/inference/restorer';
import { AbortedRunError } from '../src/inference/aborted-run-error';
import { threadConfig } from './thread-config';

describe('inference thread on the tiny package', () => {
  let client: InferenceClient;
  let input: Buffer;
  const params: RestoreParams = { ...DEFAULT_PARAMS, seed: 1234 };

  before(async () => {
    client = new InferenceClient(threadConfig());
    const raw = Buffer.from(Array.from({ length: 24 * 16 * 3 }, (_, i) => (i * 13) % 256));
    input = await sharp(raw, { raw: { width: 24, height: 16, channels: 3 } }).png().toBuffer();
  });
  after(async () => client?.shutdown());

  test('loads the model once and reports it', async () => {
    const model = await client.ready;
    assert.equal(model.name, 'tiny');
    assert.equal(model.grid, 8);
    assert.match(model.sha256, /^[0-9a-f]{64}$/);
  });

  test('a run streams one checkpoint and one token batch per row, progress at most once per row, then the result', async () => {
    const checkpoints: GenerationCheckpoint[] = [];
    const batches: number[] = [];
    const progress: string[] = [];
    const run = await client.run('j1', input, params, null, {
      onCheckpoint: (c) => checkpoints.push(c),
      onTokens: (b) => batches.push(b.entropies.length),
      onProgress: (p) => progress.push(`${p.phase}:${p.done}/${p.total}`),
    });
    assert.equal(checkpoints.length, 8);
    assert.deepEqual(batches, [8, 8, 8, 8, 8, 8, 8, 8]);
    const image = progress.filter((p) => p.startsWith('image:'));
    assert.ok(image.length <= 9, `image progress ${image.length} times`);
    assert.equal(image.at(-1), 'image:64/64');
    const meta = await sharp(run.result.image).metadata();
    assert.deepEqual([meta.width, meta.height, meta.format], [64, 64, 'png']);
    assert.equal(run.result.entropy.log.byteLength, 64 * 8);
    assert.equal(run.result.tokens.resumed, 0);

    // Resuming from the third row checkpoint gives the same bytes and reports the tokens saved.
    const resumed = await client.run('j2', input, params, checkpoints[2]);
    assert.equal(resumed.result.tokens.resumed, checkpoints[2].counter);
    assert.deepEqual(Buffer.from(resumed.result.image), Buffer.from(run.result.image));
  });

  test('an unusable checkpoint is dropped and the job starts over', async () => {
    const bad = { version: 1, binding: 'x', textIds: [], imageIds: [1, 2, 3], entropies: [], ks: [], probs: [], counter: 4 } as GenerationCheckpoint;
    const run = await client.run('j3', input, params, bad);
    assert.equal(run.checkpointDropped, true);
    assert.equal(run.result.tokens.resumed, 0);
  });

  test('stop aborts a run mid-image, before the next row', async () => {
    // A pause per row keeps the run going while the stop crosses over, however loaded the machine is.
    const slow = new InferenceClient(threadConfig({ rowDelayMs: 100 }));
    try {
      await slow.ready;
      let rows = 0;
      const running = slow.run('j4', input, params, null, {
        onCheckpoint: () => {
          rows += 1;
          if (rows === 1) slow.stop('j4', 'canceled');
        },
      });
      await assert.rejects(running, AbortedRunError);
      assert.equal(rows, 1);
      assert.equal(slow.has('j4'), false);
    } finally {
      await slow.shutdown();
    }
  });

  test('a corrupt input fails non-retryable with input_unreadable', async () => {
    const err = await client.run('j5', Buffer.from('not an image at all'), params, null).catch((e: unknown) => e);
    assert.ok(err instanceof NonRetryableError);
    assert.equal(err.code, 'input_unreadable');
  });
});

describe('inference thread with a model that does not load', () => {
  test('ready rejects, non-retryable, naming the problem', async () => {
    const client = new InferenceClient({ ...threadConfig(), model: '/nonexistent/model-package' });
    await assert.rejects(client.ready, /model package \/nonexistent\/model-package: missing file manifest.json/);
    await client.shutdown();
  });
});

describe('inference thread with a package under an s3:// prefix', () => {
  test('downloads it once into the cache, verifies it and loads it', async () => {
    const s3 = await startS3();
    const cache = await mkdtemp(join(tmpdir(), 'pure-model-cache-'));
    try {
      const prefix = uniquePrefix('model');
      const dir = await ensureTinyPackage('tiny');
      const storage = createStorage({ endpoint: s3.endpoint, region: s3.region, bucket: s3.bucket, prefix: '', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, forcePathStyle: true });
      for (const file of await readdir(dir)) if (!file.startsWith('.')) await storage.put(`${prefix}/tiny/${file}`, await readFile(join(dir, file)));
      storage.close();
      const client = new InferenceClient(
        threadConfig({
          model: `s3://${s3.bucket}/${prefix}/tiny`,
          modelCacheDir: cache,
          storage: { endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, forcePathStyle: true },
        }),
      );
      try {
        const model = await client.ready;
        assert.equal(model.name, 'tiny');
        assert.ok(model.dir.startsWith(cache));
      } finally {
        await client.shutdown();
      }
    } finally {
      await s3.stop();
      await rm(cache, { recursive: true, force: true });
    }
  });
});
