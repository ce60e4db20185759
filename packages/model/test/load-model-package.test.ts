/**
 * The loader opens a good package (folder or s3-style prefix through a store) and refuses, naming the
 * problem: unknown format version, missing file, checksum mismatch, dims that disagree with the graph.
 */
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadModelPackage, type PackageStore } from '../src/load-model-package';
import { ModelPackageError } from '../src/model-package-error';
import { ensureTinyPackage } from '../src/tiny/ensure-tiny-package';
import type { Storage } from '@pure/storage/storage-types';

// compile-time proof that the storage package's Storage plugs into the loader
void ((s: Storage): PackageStore => s);

const root = mkdtempSync(join(tmpdir(), 'model-loader-'));
after(() => rmSync(root, { recursive: true, force: true }));

let source: string;
let n = 0;
/** A fresh copy of the tiny package, optionally edited. */
function copy(edit?: (dir: string, manifest: Record<string, any>) => void): string {
  const dir = join(root, `pkg-${n++}`);
  cpSync(source, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  edit?.(dir, manifest);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

async function refuses(dir: string, pattern: RegExp): Promise<void> {
  await assert.rejects(loadModelPackage(dir), (err: unknown) => {
    assert.ok(err instanceof ModelPackageError, `got ${String(err)}`);
    assert.equal(err.retryable, false);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('loadModelPackage', () => {
  before(async () => {
    source = await ensureTinyPackage('tiny');
  });

  test('opens a good package with every path', async () => {
    const pkg = await loadModelPackage(copy());
    assert.equal(pkg.manifest.name, 'tiny');
    for (const p of Object.values(pkg.paths)) assert.ok(readFileSync(p).byteLength > 0);
  });

  test('refuses an unknown format version', () =>
    refuses(copy((_, m) => (m.formatVersion = 99)), /unknown format version 99/));

  test('refuses a missing file', () =>
    refuses(copy((dir) => rmSync(join(dir, 'vq-decoder.onnx'))), /missing file vq-decoder\.onnx/));

  test('refuses a checksum mismatch', () =>
    refuses(
      copy((dir) => {
        const p = join(dir, 'tokenizer.json');
        const b = readFileSync(p);
        b[10] ^= 1; // same size, different bytes
        writeFileSync(p, b);
      }),
      /checksum mismatch for file tokenizer\.json/,
    ));

  test('refuses a size mismatch', () =>
    refuses(copy((dir) => appendFileSync(join(dir, 'decoder.onnx'), 'x')), /file decoder\.onnx is \d+ bytes/));

  test('refuses decoder dims that disagree with the graph', async () => {
    await refuses(copy((_, m) => (m.decoder.layers = 3)), /decoder\.layers 3 but the graph has 2/);
    await refuses(copy((_, m) => (m.decoder.hidden = 96)), /model\.embed_tokens\.weight is \[544,64\]/);
    await refuses(copy((_, m) => (m.decoder.headDim = 32)), /kvHeads\/headDim 4\/32/);
    await refuses(copy((_, m) => { m.decoder.vocabSize = 600; m.vocab.size = 600; }), /vocabSize 600 but logits are/);
    await refuses(copy((_, m) => (m.vq.codebookSize = 512)), /codebook/);
  });

  test('downloads an s3:// package once through the store, verified', async () => {
    // a store over a local folder that counts downloads: the loader sees the same interface as S3's
    const bucketDir = join(root, 'bucket');
    mkdirSync(join(bucketDir, 'models', 'tiny'), { recursive: true });
    for (const f of readdirSync(source)) copyFileSync(join(source, f), join(bucketDir, 'models', 'tiny', f));
    let downloads = 0;
    const folderStore: PackageStore = {
      async list(prefix) {
        return readdirSync(join(bucketDir, prefix)).map((f) => ({ key: `${prefix}${f}` }));
      },
      async download(key, toPath) {
        downloads++;
        mkdirSync(dirname(toPath), { recursive: true });
        copyFileSync(join(bucketDir, key), toPath);
      },
    };
    const store = (bucket: string): PackageStore => {
      assert.equal(bucket, 'pkgs');
      return folderStore;
    };
    const cacheDir = join(root, 'cache');
    const a = await loadModelPackage('s3://pkgs/models/tiny', { store, cacheDir });
    const first = downloads;
    assert.ok(first >= 5);
    const b = await loadModelPackage('s3://pkgs/models/tiny/', { store, cacheDir });
    assert.equal(downloads, first, 'second load uses the cache');
    assert.equal(a.dir, b.dir);
    // a corrupted object is refused and not cached
    const bad = join(bucketDir, 'models', 'bad');
    cpSync(join(bucketDir, 'models', 'tiny'), bad, { recursive: true });
    appendFileSync(join(bad, 'tokenizer.json'), ' ');
    await assert.rejects(loadModelPackage('s3://pkgs/models/bad', { store, cacheDir }), /tokenizer\.json is \d+ bytes/);
    await assert.rejects(loadModelPackage('s3://pkgs/models/bad', { cacheDir }), /needs a store/);
  });
});
