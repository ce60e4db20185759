/**
 * sha256 and size of a package file, read in 4 MiB chunks so multi-GB weight files need no big buffer.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import type { FileEntry } from './manifest';

/** Hashes `path`; throws the fs error (ENOENT ...) when it cannot be read. */
export function fileEntry(path: string): FileEntry {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 22);
  const fd = openSync(path, 'r');
  let bytes = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      bytes += n;
    }
  } finally {
    closeSync(fd);
  }
  return { sha256: hash.digest('hex'), bytes };
}
