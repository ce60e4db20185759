import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModelPackage } from '@pure/model/load-model-package';
import { OrtSession } from '@pure/model/session';
import { runCli } from './lib/run-cli';

describe('pure model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pure-model-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('pure model build --tiny tiny --out DIR writes a package that loads, verifies and opens in onnxruntime', async () => {
    const out = join(dir, 'tiny');
    const run = await runCli(['model', 'build', '--tiny', 'tiny', '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /built tiny into .*random/);
    const pkg = await loadModelPackage(out); // hashes every file against the manifest
    assert.equal(pkg.manifest.name, 'tiny');
    for (const path of [pkg.paths.decoder, pkg.paths.vqEncoder, pkg.paths.vqDecoder]) {
      const session = await OrtSession.create(path, { threads: 1 });
      assert.ok(session.inputNames.length > 0 && session.outputNames.length > 0, path);
      await session.dispose();
    }
  });

  test('bad arguments exit 2 naming the choices; an unusable checkpoint exits 1 naming the file', async () => {
    const bogus = await runCli(['model', 'build', '--tiny', 'huge', '--out', join(dir, 'x')]);
    assert.equal(bogus.code, 2);
    assert.match(bogus.stderr, /expected one of tiny, tiny-pure-vocab, small/);
    const dtype = await runCli(['model', 'import', '--pure', dir, '--vq', join(dir, 'vq.pt'), '--out', join(dir, 'y'), '--dtype', 'int8']);
    assert.equal(dtype.code, 2);
    assert.match(dtype.stderr, /--dtype int8: expected float16 or float32/);
    const missing = await runCli(['model', 'import', '--pure', join(dir, 'nowhere'), '--vq', join(dir, 'vq.pt'), '--out', join(dir, 'z')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nowhere/);
  });
});
