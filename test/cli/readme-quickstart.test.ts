import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloneWorktree } from './lib/clone-worktree';
import { markedProcesses, newMarker } from './lib/marked-processes';
import { commandOf, quickStartLines } from './lib/readme-quickstart';
import { REPO_ROOT } from './lib/run-cli';
import { spawnCommand } from './lib/spawn-command';

describe('README quick start, run as written in a fresh clone', () => {
  const parent = mkdtempSync(join(tmpdir(), 'pure-readme-'));
  after(() => rmSync(parent, { recursive: true, force: true }));

  test('the "Two commands" block holds the demo line and `npm test`', () => {
    const lines = quickStartLines(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'));
    assert.ok(lines.some((l) => /\bnpm run demo\b/.test(commandOf(l))), `a line runs the demo: ${JSON.stringify(lines)}`);
    assert.ok(lines.some((l) => commandOf(l) === 'npm test'), `a line runs npm test: ${JSON.stringify(lines)}`);
  });

  test('every line but `npm test` (CI runs that itself) exits 0; the demo writes demo-out/index.html', async () => {
    const clone = join(parent, 'clone');
    cloneWorktree(REPO_ROOT, clone);
    const lines = quickStartLines(readFileSync(join(clone, 'README.md'), 'utf8')).filter((l) => commandOf(l) !== 'npm test');
    const marker = newMarker();
    // The environment only makes npm quiet and use its cache first; the lines themselves run unchanged.
    const env = { PURE_TEST_MARK: marker, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    for (const line of lines) {
      const run = spawnCommand(line, clone, env);
      const { code } = await run.exit;
      assert.equal(code, 0, `${line}\n${run.output().slice(-4000)}`);
    }
    assert.ok(existsSync(join(clone, 'demo-out', 'index.html')), 'the contact sheet is in demo-out/');
    assert.deepEqual(markedProcesses(marker), [], 'nothing the quick start started is still running');
  });
});
