/**
 * A minimal zip reader for torch checkpoints: central directory (zip64 included), stored entries only
 * (torch never compresses), each entry read by range from the file.
 */
import { ImportError } from './import-error';
import type { RangeFile } from './file-ranges';

/** One stored member of the archive. */
export interface ZipEntry {
  name: string;
  size: number;
  /** Offset of the member's local header. */
  headerOffset: number;
  method: number;
}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;

function u64(v: DataView, at: number): number {
  return Number(v.getBigUint64(at, true));
}

/** Lists the members of a zip file from its central directory. */
export function readZipDirectory(file: RangeFile): Map<string, ZipEntry> {
  const tailLen = Math.min(file.size, 22 + 65535);
  const tail = file.read(file.size - tailLen, tailLen, 'the zip end record');
  const tv = new DataView(tail.buffer);
  let at = -1;
  for (let i = tailLen - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ImportError(`${file.path} is not a zip archive or is truncated (no end-of-directory record)`);
  let count = tv.getUint16(at + 10, true);
  let cdSize = tv.getUint32(at + 12, true);
  let cdOffset = tv.getUint32(at + 16, true);
  if (at >= 20 && tv.getUint32(at - 20, true) === EOCD64_LOCATOR) {
    const rec = file.read(u64(tv, at - 20 + 8), 56, 'the zip64 end record');
    const rv = new DataView(rec.buffer);
    if (rv.getUint32(0, true) !== EOCD64) throw new ImportError(`${file.path}: corrupt zip64 end record`);
    count = u64(rv, 32);
    cdSize = u64(rv, 40);
    cdOffset = u64(rv, 48);
  }
  const cd = file.read(cdOffset, cdSize, 'the zip central directory');
  const v = new DataView(cd.buffer);
  const out = new Map<string, ZipEntry>();
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > cd.length || v.getUint32(p, true) !== CENTRAL) {
      throw new ImportError(`${file.path}: corrupt zip central directory at entry ${n}`);
    }
    const method = v.getUint16(p + 10, true);
    let size = v.getUint32(p + 24, true);
    let compSize = v.getUint32(p + 20, true);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    let headerOffset = v.getUint32(p + 42, true);
    const name = new TextDecoder().decode(cd.subarray(p + 46, p + 46 + nameLen));
    // zip64 extra field: present values replace the fields that read 0xFFFFFFFF, in this order.
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen; ) {
      const id = v.getUint16(e, true);
      const len = v.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === MAX32) (size = u64(v, q)), (q += 8);
        if (compSize === MAX32) (compSize = u64(v, q)), (q += 8);
        if (headerOffset === MAX32) headerOffset = u64(v, q);
      }
      e += 4 + len;
    }
    out.set(name, { name, size, headerOffset, method });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** The bytes of one stored member. */
export function readZipEntry(file: RangeFile, entry: ZipEntry): Uint8Array {
  return file.read(zipEntryDataOffset(file, entry), entry.size, `member ${entry.name}`);
}

/** Where a stored member's bytes start, so a caller can read a sub-range of it. */
export function zipEntryDataOffset(file: RangeFile, entry: ZipEntry): number {
  if (entry.method !== 0) {
    throw new ImportError(`${file.path}: member ${entry.name} is compressed (method ${entry.method}); torch writes stored members`);
  }
  const h = file.read(entry.headerOffset, 30, `the local header of ${entry.name}`);
  const hv = new DataView(h.buffer);
  if (hv.getUint32(0, true) !== LOCAL) throw new ImportError(`${file.path}: corrupt local header of ${entry.name}`);
  return entry.headerOffset + 30 + hv.getUint16(26, true) + hv.getUint16(28, true);
}
