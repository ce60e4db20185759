import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createLogger } from '@pure/telemetry/logger';

test('createLogger writes JSON lines with name, level, ISO time, child fields, and redacts credentials', async () => {
  const out = new PassThrough();
  const lines: string[] = [];
  out.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  const logger = createLogger({ name: 'worker', level: 'debug', destination: out });
  logger.child({ jobId: 'j-1' }).debug({ req: { headers: { authorization: 'Bearer k' } } }, 'row done');
  logger.trace('hidden at debug');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0]);
  assert.equal(line.name, 'worker');
  assert.equal(line.level, 20);
  assert.equal(line.jobId, 'j-1');
  assert.equal(line.msg, 'row done');
  assert.equal(line.req.headers.authorization, '[redacted]');
  assert.match(line.time, /^\d{4}-\d\d-\d\dT/);
});
