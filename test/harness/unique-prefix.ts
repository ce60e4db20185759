/** Per-test names, so tests sharing one Redis and one bucket never see each other's keys. */
import { randomBytes } from 'node:crypto';

let counter = 0;

/**
 * A short unique prefix for a queue name, Redis key prefix or S3 key prefix: letters, digits and `-` only
 * (no `:` or `/`, which BullMQ and S3 treat as separators).
 * @example uniquePrefix('cancel queued') // 't-cancel-queued-4821-3-9f2c1a'
 */
export function uniquePrefix(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 32) || 'test';
  counter += 1;
  return `t-${slug}-${process.pid}-${counter}-${randomBytes(3).toString('hex')}`;
}
