import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { markedProcesses, newMarker } from './lib/marked-processes';
import { REPO_ROOT } from './lib/run-cli';
import { spawnCommand } from './lib/spawn-command';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const examples = readdirSync(join(REPO_ROOT, 'examples')).filter((n) => /\.(png|jpe?g|webp)$/i.test(n)).sort();

describe('npm run demo (end to end: Redis, S3, api, worker with the tiny model, webhooks)', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const dir = mkdtempSync(join(tmpdir(), 'pure-demo-test-'));
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('exits 0, writes index.html plus an output and a heatmap per example, and leaves nothing running', async () => {
    const out = tmp();
    const marker = newMarker();
    const demo = spawnCommand(`npm run demo -- --out ${out}`, REPO_ROOT, { PURE_TEST_MARK: marker });
    const { code } = await demo.exit;
    const text = demo.output();
    assert.equal(code, 0, text.slice(-4000));
    assert.match(text, /random weights/, 'the demo says the tiny model has random weights');
    assert.match(text, new RegExp(`${examples.length} of ${examples.length} jobs succeeded`));
    assert.match(text, new RegExp(`${examples.length + 1} signed webhooks arrived and verified`), 'one per job plus batch.completed');
    assert.match(text, /image \d+\/\d+ tokens|succeeded \d+\/\d+ tokens/, 'plain progress lines (stdout is a pipe)');

    const sheet = readFileSync(join(out, 'index.html'), 'utf8');
    for (const file of examples) {
      const name = basename(file, extname(file));
      for (const artifact of ['output.png', 'entropy.png', 'input.png']) {
        const path = join(out, name, artifact);
        assert.ok(existsSync(path), `${name}/${artifact} written`);
        assert.deepEqual(readFileSync(path).subarray(0, 8), PNG_SIGNATURE, `${name}/${artifact} is a PNG`);
        assert.ok(sheet.includes(`src="${name}/${artifact}"`), `index.html shows ${name}/${artifact}`);
      }
      assert.match(readFileSync(join(out, name, 'text.txt'), 'utf8'), /^degradation: .*\ncaption: /s);
    }
    assert.deepEqual(markedProcesses(marker), [], 'no process of the demo outlives it');
  });

  test('Ctrl-C (SIGINT to the process group) stops every child in order and leaves nothing running', async () => {
    const out = tmp();
    const marker = newMarker();
    const demo = spawnCommand(`npm run demo -- --out ${out}`, REPO_ROOT, { PURE_TEST_MARK: marker });
    await demo.waitFor(/submitted \d+ images/);
    demo.signalGroup('SIGINT');
    const { code, signal } = await demo.exit;
    const text = demo.output();
    assert.notEqual(code, 0, text.slice(-4000));
    assert.match(text, /stopped; nothing is left running/, text.slice(-4000));
    assert.deepEqual(markedProcesses(marker), [], `no process of the demo outlives it (exit ${code ?? signal})`);
  });

  test('a worker that dies mid-run fails the demo (exit 1, naming it) and still leaves nothing running', async () => {
    const out = tmp();
    const marker = newMarker();
    // Rows slowed down (a worker test knob, passed through to the worker) so the kill lands mid-job.
    const demo = spawnCommand(`npm run demo -- --out ${out}`, REPO_ROOT, { PURE_TEST_MARK: marker, PURE_TEST_ROW_DELAY_MS: '300' });
    await demo.waitFor(/submitted \d+ images/);
    const pid = Number(/worker metrics on \S+ \(pid (\d+)\)/.exec(demo.output())?.[1]);
    assert.ok(pid > 0, demo.output());
    process.kill(pid, 'SIGKILL');
    const { code } = await demo.exit;
    const text = demo.output();
    assert.equal(code, 1, text.slice(-4000));
    assert.match(text, /the worker exited \(SIGKILL\) while the demo ran/);
    assert.match(text, /last lines of .*worker\.log/);
    assert.deepEqual(markedProcesses(marker), [], 'no process of the demo outlives it');
  });
});
