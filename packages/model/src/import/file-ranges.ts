/**
 * Reads byte ranges of a file that must be there whole; a short read is a truncated file, named.
 * Synchronous on purpose: the graph writer pulls weights lazily, one tensor at a time, from inside a
 * synchronous serialiser.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ImportError } from './import-error';

/** An open file that reads exact ranges and knows its size. */
export class RangeFile {
  private constructor(
    readonly path: string,
    private fd: number | undefined,
    readonly size: number,
  ) {}

  /** Opens `path`; a missing file is an ImportError naming it. */
  static open(path: string): RangeFile {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (cause) {
      throw new ImportError(`cannot open ${path}: ${(cause as Error).message}`, { cause });
    }
    return new RangeFile(path, fd, fstatSync(fd).size);
  }

  /** Exactly `length` bytes at `offset`; `what` names the tensor or record for a truncation error. */
  read(offset: number, length: number, what: string): Uint8Array {
    if (this.fd === undefined) throw new Error(`${this.path} is closed`);
    if (offset < 0 || length < 0 || offset + length > this.size) {
      throw new ImportError(
        `${this.path} is truncated or corrupt: ${what} needs bytes ${offset}..${offset + length} but the file has ${this.size}`,
      );
    }
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, out, done, Math.min(length - done, 1 << 30), offset + done);
      if (n === 0) throw new ImportError(`${this.path} is truncated: short read of ${what}`);
      done += n;
    }
    return out;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
