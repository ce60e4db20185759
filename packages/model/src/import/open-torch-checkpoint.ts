/**
 * Reads a `torch.save` zip checkpoint (`<archive>/data.pkl` + `<archive>/data/<key>` storages) as a lazy
 * tensor source over the state dict under one top-level key (LlamaGen: `torch.load(f)["model"]`).
 * Tensors must be contiguous views of their storage; anything else is refused, naming the tensor.
 */
import type { StoredDtype } from './dtype';
import { DTYPE_BYTES } from './dtype';
import { RangeFile } from './file-ranges';
import { ImportError } from './import-error';
import { PyGlobal, unpickle } from './unpickle';
import { numel, type TensorInfo, type TensorSource } from './tensor-source';
import { readZipDirectory, readZipEntry, zipEntryDataOffset, type ZipEntry } from './zip-reader';

const STORAGE_DTYPES: Record<string, StoredDtype> = {
  FloatStorage: 'F32', HalfStorage: 'F16', BFloat16Storage: 'BF16', DoubleStorage: 'F64',
  LongStorage: 'I64', IntStorage: 'I32', ShortStorage: 'I16', CharStorage: 'I8', ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

class StorageRef {
  constructor(
    readonly key: string,
    readonly dtype: StoredDtype,
  ) {}
}

class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

function storageOf(pid: unknown): StorageRef {
  const t = pid as unknown[];
  if (!Array.isArray(t) || t[0] !== 'storage' || !(t[1] instanceof PyGlobal)) {
    throw new Error(`unknown persistent id ${JSON.stringify(t?.[0])}`);
  }
  const dtype = STORAGE_DTYPES[t[1].name];
  if (!dtype) throw new Error(`unsupported storage type ${t[1].path}`);
  return new StorageRef(String(t[2]), dtype);
}

function callGlobal(fn: PyGlobal, args: unknown[]): unknown {
  switch (fn.path) {
    case 'collections.OrderedDict':
      return new Map();
    case 'torch._utils._rebuild_tensor_v2':
    case 'torch._utils._rebuild_tensor': {
      const [storage, offset, shape, stride] = args as [StorageRef, number, number[], number[]];
      return new TensorRef(storage, offset, [...shape], [...stride]);
    }
    case 'torch._utils._rebuild_parameter':
    case 'torch._utils._rebuild_parameter_with_state':
      return args[0];
    default:
      return undefined;
  }
}

function isContiguous(shape: number[], stride: number[]): boolean {
  let expect = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && stride[i] !== expect) return false;
    expect *= shape[i];
  }
  return true;
}

class TorchSource implements TensorSource {
  constructor(
    private readonly file: RangeFile,
    private readonly prefix: string,
    private readonly zip: Map<string, ZipEntry>,
    private readonly tensors: Map<string, TensorRef>,
  ) {}
  names(): string[] {
    return [...this.tensors.keys()];
  }
  info(name: string): TensorInfo | undefined {
    const t = this.tensors.get(name);
    return t && { name, dtype: t.storage.dtype, shape: t.shape, file: this.file.path };
  }
  bytes(name: string): Uint8Array {
    const t = this.tensors.get(name);
    if (!t) throw new ImportError(`tensor ${name} is not in ${this.file.path}`);
    if (!isContiguous(t.shape, t.stride)) {
      throw new ImportError(
        `${this.file.path}: tensor ${name} is not contiguous (shape [${t.shape}], stride [${t.stride}]); save it with .contiguous()`,
      );
    }
    const member = `${this.prefix}data/${t.storage.key}`;
    const entry = this.zip.get(member);
    if (!entry) throw new ImportError(`${this.file.path}: storage ${member} of tensor ${name} is missing`);
    const size = DTYPE_BYTES[t.storage.dtype];
    const start = t.offset * size;
    const length = numel(t.shape) * size;
    if (start + length > entry.size) {
      throw new ImportError(`${this.file.path}: tensor ${name} runs past the end of storage ${member}`);
    }
    const base = zipEntryDataOffset(this.file, entry);
    return this.file.read(base + start, length, `tensor ${name}`);
  }
  close(): void {
    this.file.close();
  }
}

/**
 * Opens a torch zip checkpoint and returns the tensors of the state dict at `key` (null: the top-level
 * object is the state dict). Non-tensor entries are skipped.
 */
export async function openTorchCheckpoint(path: string, key: string | null = 'model'): Promise<TensorSource> {
  const file = RangeFile.open(path);
  try {
    const zip = readZipDirectory(file);
    const pkl = [...zip.keys()].find((n) => /^[^/]+\/data\.pkl$/.test(n));
    if (!pkl) throw new ImportError(`${path} has no <archive>/data.pkl: not a torch zip checkpoint (legacy format?)`);
    const prefix = pkl.slice(0, -'data.pkl'.length);
    const order = zip.get(`${prefix}byteorder`);
    if (order && new TextDecoder().decode(readZipEntry(file, order)).trim() !== 'little') {
      throw new ImportError(`${path} was saved big-endian; only little-endian checkpoints are read`);
    }
    let root: unknown;
    try {
      root = unpickle(readZipEntry(file, zip.get(pkl)!), { persistentLoad: storageOf, call: callGlobal });
    } catch (cause) {
      if (cause instanceof ImportError) throw cause;
      throw new ImportError(`${path}: cannot read ${pkl}: ${(cause as Error).message}`, { cause });
    }
    const dict = key === null ? root : root instanceof Map ? root.get(key) : undefined;
    if (!(dict instanceof Map)) throw new ImportError(`${path} has no state dict under key "${key}"`);
    const tensors = new Map<string, TensorRef>();
    for (const [name, value] of dict) if (value instanceof TensorRef) tensors.set(String(name), value);
    return new TorchSource(file, prefix, zip, tensors);
  } catch (err) {
    file.close();
    throw err;
  }
}
