import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasTool, repoRoot, run, skipUnlessTool } from './tools';

const DOCKERFILES = ['deploy/docker/api.Dockerfile', 'deploy/docker/worker.Dockerfile'];

describe('yamllint', { skip: skipUnlessTool('yamllint', 'apt-get install -y yamllint') }, () => {
  test('docker-compose.yml and deploy/ pass deploy/yamllint.yaml (warnings fail too)', () => {
    const r = run('yamllint', ['-s', '-f', 'parsable', '-c', 'deploy/yamllint.yaml', 'docker-compose.yml', 'deploy']);
    assert.equal(r.status, 0, `yamllint:\n${r.stdout}${r.stderr}`);
  });
});

// hadolint is not packaged by Debian, so CI cannot install it from apt: it runs where present, and the
// static checks below hold the rules that matter here either way.
describe('hadolint', { skip: hasTool('hadolint') ? false : 'hadolint not on the PATH (not in Debian); static Dockerfile checks still run' }, () => {
  for (const file of DOCKERFILES) {
    test(`${file} passes hadolint`, () => {
      const r = run('hadolint', ['--failure-threshold', 'warning', file]);
      assert.equal(r.status, 0, `hadolint ${file}:\n${r.stdout}${r.stderr}`);
    });
  }
});

/** Instructions of the final stage (after the last FROM), continuation lines joined. */
function finalStage(text: string): string[] {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const lastFrom = lines.map((l) => l.startsWith('FROM ')).lastIndexOf(true);
  return lines.slice(lastFrom);
}

describe('Dockerfiles', () => {
  for (const file of DOCKERFILES) {
    // Instructions only: the comments may name what the file deliberately avoids.
    const text = readFileSync(join(repoRoot, file), 'utf8').split('\n').filter((l) => !l.trim().startsWith('#')).join('\n');
    const stage = finalStage(text);

    test(`${file}: pinned base images, npm ci from the lockfile`, () => {
      for (const m of text.matchAll(/^ARG (\w+_IMAGE)=(\S+)$/gm)) assert.match(m[2], /:[\w.-]+$/, `${m[1]} needs a tag`);
      for (const m of text.matchAll(/^FROM (\S+)/gm)) assert.doesNotMatch(m[1], /:latest$/, `${file} FROM ${m[1]}`);
      assert.match(text, /npm ci\b/);
      assert.doesNotMatch(text, /npm install\b/);
      assert.doesNotMatch(text, /--omit=dev/, 'tsx is a devDependency: the apps cannot start without it');
    });

    test(`${file}: runs as a non-root user, with a HEALTHCHECK, signals through tini`, () => {
      const user = stage.filter((l) => l.startsWith('USER ')).at(-1);
      assert.ok(user, 'final stage sets USER');
      assert.doesNotMatch(user, /^USER (root|0)(:|$)/);
      assert.ok(stage.some((l) => /^HEALTHCHECK .*\/healthz/.test(l)), 'HEALTHCHECK on /healthz');
      assert.ok(stage.some((l) => l.startsWith('ENTRYPOINT') && l.includes('tini')), 'tini as PID 1');
      assert.ok(stage.some((l) => /^CMD \[.*"--import", "tsx"/.test(l)), 'CMD runs node with tsx');
    });
  }

  test('worker.Dockerfile: CUDA 12 + cuDNN 9 base, onnxruntime-node installs its CUDA 12 provider', () => {
    const text = readFileSync(join(repoRoot, 'deploy/docker/worker.Dockerfile'), 'utf8');
    const cuda = /^ARG CUDA_IMAGE=nvidia\/cuda:(\d+)\.[\d.]+-cudnn-runtime-/m.exec(text);
    assert.equal(cuda?.[1], '12');
    assert.match(text, /ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules\/onnxruntime-node\/script\/install/);
    assert.match(text, /libonnxruntime_providers_cuda\.so/, 'the build checks the provider arrived');
  });

  test('api.Dockerfile skips the CUDA download', () => {
    assert.match(readFileSync(join(repoRoot, 'deploy/docker/api.Dockerfile'), 'utf8'), /ONNXRUNTIME_NODE_INSTALL=skip/);
  });

  test('.dockerignore keeps host node_modules and .git out of the build context', () => {
    const ignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n');
    assert.ok(ignore.includes('**/node_modules'));
    assert.ok(ignore.includes('.git'));
  });
});
