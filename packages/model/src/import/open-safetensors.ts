/**
 * Safetensors reader: one file, or Hugging Face shards listed by `model.safetensors.index.json`.
 * A file is an 8-byte little-endian header length, a JSON header (dtype, shape, data_offsets relative to
 * the end of the header) and raw bytes. Only headers are read up front; tensors are read by range.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DTYPE_BYTES, type StoredDtype } from './dtype';
import { RangeFile } from './file-ranges';
import { ImportError } from './import-error';
import { numel, type TensorInfo, type TensorSource } from './tensor-source';

interface Entry extends TensorInfo {
  begin: number;
  end: number;
  source: RangeFile;
}

/** The name of the shard index Hugging Face writes next to the shards. */
export const SAFETENSORS_INDEX = 'model.safetensors.index.json';

const MAX_HEADER = 100 * 1024 * 1024;

function readHeader(file: RangeFile): Entry[] {
  const lenBytes = file.read(0, 8, 'the header length');
  const len = Number(new DataView(lenBytes.buffer).getBigUint64(0, true));
  if (len > MAX_HEADER) throw new ImportError(`${file.path} is not a safetensors file (header length ${len})`);
  const headerBytes = file.read(8, len, 'the JSON header');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(headerBytes)) as Record<string, unknown>;
  } catch (cause) {
    throw new ImportError(`${file.path} has an unreadable safetensors header`, { cause });
  }
  const base = 8 + len;
  const entries: Entry[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const r = raw as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
    if (!r || typeof r.dtype !== 'string' || !Array.isArray(r.shape) || !Array.isArray(r.data_offsets)) {
      throw new ImportError(`${file.path}: tensor ${name} has a malformed header entry`);
    }
    if (!(r.dtype in DTYPE_BYTES)) throw new ImportError(`${file.path}: tensor ${name} has unsupported dtype ${r.dtype}`);
    const dtype = r.dtype as StoredDtype;
    const [b, e] = r.data_offsets;
    if (e - b !== numel(r.shape) * DTYPE_BYTES[dtype]) {
      throw new ImportError(`${file.path}: tensor ${name} has ${e - b} bytes for shape [${r.shape}] of ${dtype}`);
    }
    if (base + e > file.size) {
      throw new ImportError(
        `${file.path} is truncated: tensor ${name} ends at byte ${base + e} but the file has ${file.size}`,
      );
    }
    entries.push({ name, dtype, shape: r.shape, file: file.path, begin: base + b, end: base + e, source: file });
  }
  return entries.sort((x, y) => x.begin - y.begin);
}

class SafetensorsSource implements TensorSource {
  private readonly byName = new Map<string, Entry>();
  constructor(
    entries: Entry[],
    private readonly files: RangeFile[],
  ) {
    for (const e of entries) this.byName.set(e.name, e);
  }
  names(): string[] {
    return [...this.byName.keys()];
  }
  info(name: string): TensorInfo | undefined {
    const e = this.byName.get(name);
    return e && { name: e.name, dtype: e.dtype, shape: e.shape, file: e.file };
  }
  bytes(name: string): Uint8Array {
    const e = this.byName.get(name);
    if (!e) throw new ImportError(`tensor ${name} is not in the checkpoint`);
    return e.source.read(e.begin, e.end - e.begin, `tensor ${name}`);
  }
  close(): void {
    for (const f of this.files) f.close();
  }
}

/** Opens one `.safetensors` file. */
export async function openSafetensors(path: string): Promise<TensorSource> {
  const file = RangeFile.open(path);
  try {
    return new SafetensorsSource(readHeader(file), [file]);
  } catch (err) {
    file.close();
    throw err;
  }
}

/**
 * Opens a Hugging Face checkpoint folder: the shards named by `model.safetensors.index.json`
 * (`weight_map`: tensor -> shard), or a single `model.safetensors` when there is no index.
 */
export async function openSafetensorsDir(dir: string): Promise<TensorSource> {
  const indexPath = join(dir, SAFETENSORS_INDEX);
  let indexText: string;
  try {
    indexText = await readFile(indexPath, 'utf8');
  } catch {
    return openSafetensors(join(dir, 'model.safetensors'));
  }
  let weightMap: Record<string, string>;
  try {
    weightMap = (JSON.parse(indexText) as { weight_map: Record<string, string> }).weight_map;
    if (!weightMap || typeof weightMap !== 'object') throw new Error('no weight_map');
  } catch (cause) {
    throw new ImportError(`${indexPath} is not a shard index (${(cause as Error).message})`, { cause });
  }
  const files: RangeFile[] = [];
  const entries: Entry[] = [];
  try {
    for (const shard of [...new Set(Object.values(weightMap))].sort()) {
      const file = RangeFile.open(join(dir, shard));
      files.push(file);
      entries.push(...(readHeader(file)));
    }
    const have = new Set(entries.map((e) => e.name));
    for (const [name, shard] of Object.entries(weightMap)) {
      if (!have.has(name)) throw new ImportError(`tensor ${name} is listed in ${indexPath} but missing from ${shard}`);
    }
  } catch (err) {
    for (const f of files) f.close();
    throw err;
  }
  return new SafetensorsSource(entries, files);
}
