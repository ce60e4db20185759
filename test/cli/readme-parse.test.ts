import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandOf, quickStartLines } from './lib/readme-quickstart';

test('quickStartLines reads the first fenced block under "Two commands", comments kept on the line', () => {
  const readme = '# x\n\n## Other\n\n```sh\nnope\n```\n\n## Two commands\n\nText.\n\n```sh\n# setup\nnpm ci && npm run demo   # the demo\n\nnpm test\n```\n\n```sh\nlater\n```\n';
  assert.deepEqual(quickStartLines(readme), ['npm ci && npm run demo   # the demo', 'npm test']);
  assert.equal(commandOf('npm ci && npm run demo   # the demo'), 'npm ci && npm run demo');
  assert.throws(() => quickStartLines('# no such heading'), /Two commands/);
});
