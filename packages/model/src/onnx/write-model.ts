/**
 * Writes a GraphBuilder as an .onnx file: weights inline (one file) or, above protobuf's 2 GB limit or on
 * request, as ONNX external data in a side file next to the model (offsets aligned to 4 KiB for mmap).
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { float32ToFloat16 } from './float16';
import { BYTES, type GraphBuilder, type Initializer, type TensorData } from './graph-builder';
import { DataType, encodeModel, type ModelProto, type TensorProto } from './proto';

/** Leave headroom under protobuf's 2 GiB message limit for the graph itself. */
const INLINE_LIMIT = 1.9e9;
const ALIGN = 4096;
/** ONNX IR version 8 (ONNX 1.12, the opset 17 era): read by every current onnxruntime. */
export const IR_VERSION = 8;

/** How to lay out the weights. */
export interface WriteModelOptions {
  /** 'auto' (default): external only when the weights would pass 2 GB; 'always': force (tests use it). */
  externalData?: 'auto' | 'always' | 'never';
  /** Side file name, relative to the model; default `<model file>.data`. */
  externalDataFile?: string;
  /** Tensors smaller than this many bytes stay inline even with external data (default 1024). */
  externalThreshold?: number;
  /** Free-form metadata_props. */
  metadata?: Record<string, string>;
}

/** What writeModel produced. */
export interface WrittenModel {
  /** Absolute paths of the files written: the model, then the external data file if any. */
  files: string[];
  external: boolean;
  weightBytes: number;
}

/** Serialises the graph to `path` (and its external data file when used). */
export function writeModel(g: GraphBuilder, path: string, opts: WriteModelOptions = {}): WrittenModel {
  const weightBytes = g.stats().bytes;
  const mode = opts.externalData ?? 'auto';
  const external = mode === 'always' || (mode === 'auto' && weightBytes > INLINE_LIMIT);
  if (!external && weightBytes > INLINE_LIMIT) {
    throw new Error(`ONNX model "${g.name}" has ${weightBytes} weight bytes: too large to write inline`);
  }
  const threshold = opts.externalThreshold ?? 1024;
  const dataName = opts.externalDataFile ?? `${basename(path)}.data`;
  const files = [path];
  let fd: number | undefined;
  let offset = 0;
  const tensors: TensorProto[] = [];
  try {
    for (const t of g.initializers) {
      const bytes = tensorBytes(t);
      if (external && bytes.byteLength >= threshold) {
        if (fd === undefined) {
          const dataPath = join(dirname(path), dataName);
          fd = openSync(dataPath, 'w');
          files.push(dataPath);
        }
        const pad = (ALIGN - (offset % ALIGN)) % ALIGN;
        if (pad) writeAll(fd, new Uint8Array(pad));
        offset += pad;
        writeAll(fd, bytes);
        tensors.push(externalTensor(t, dataName, offset, bytes.byteLength));
        offset += bytes.byteLength;
      } else {
        tensors.push({ name: t.name, dims: t.dims, dataType: DataType[t.dtype], rawData: bytes });
      }
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  writeFileSync(path, encodeModel(modelProto(g, tensors, opts.metadata)));
  return { files, external, weightBytes };
}

/**
 * Encodes the graph with every float initializer as an external reference into `dataName`, without
 * touching any data: proves a very large graph builds and measures its proto, writing no weights.
 */
export function encodeGraphOnly(g: GraphBuilder, dataName = 'model.onnx.data'): Uint8Array {
  let offset = 0;
  const tensors = g.initializers.map((t): TensorProto => {
    const length = t.dims.reduce((a, b) => a * b, 1) * BYTES[t.dtype];
    if (t.data !== undefined && length < 1024) {
      return { name: t.name, dims: t.dims, dataType: DataType[t.dtype], rawData: tensorBytes(t) };
    }
    offset += (ALIGN - (offset % ALIGN)) % ALIGN;
    const tp = externalTensor(t, dataName, offset, length);
    offset += length;
    return tp;
  });
  return encodeModel(modelProto(g, tensors));
}

function modelProto(g: GraphBuilder, initializer: TensorProto[], metadata?: Record<string, string>): ModelProto {
  return {
    irVersion: IR_VERSION,
    producerName: 'pure-serve',
    opsetImport: g.opsets,
    graph: { name: g.name, node: g.nodes, initializer, input: g.inputs, output: g.outputs },
    metadataProps: Object.entries(metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
}

function externalTensor(t: Initializer, location: string, offset: number, length: number): TensorProto {
  return {
    name: t.name,
    dims: t.dims,
    dataType: DataType[t.dtype],
    dataLocation: 1,
    externalData: [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(length) },
    ],
  };
}

/** writeSync may write less than asked (large buffers): loop until every byte is out. */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.byteLength; ) done += writeSync(fd, bytes, done, bytes.byteLength - done);
}

/** The little-endian raw bytes of an initializer in its declared dtype. */
export function tensorBytes(t: Initializer): Uint8Array {
  if (t.data === undefined) throw new Error(`initializer "${t.name}" has no data (a stub) and cannot be written`);
  const data: TensorData = typeof t.data === 'function' ? t.data() : t.data;
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (data.length !== count) {
    throw new Error(`initializer "${t.name}": ${data.length} values for dims [${t.dims.join(',')}] (${count})`);
  }
  let typed: ArrayBufferView;
  switch (t.dtype) {
    case 'float32':
      typed = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
      break;
    case 'float16':
      typed = data instanceof Uint16Array ? data : float32ToFloat16(data as ArrayLike<number>);
      break;
    case 'float64':
      typed = data instanceof Float64Array ? data : Float64Array.from(data as ArrayLike<number>);
      break;
    case 'int64':
      typed = data instanceof BigInt64Array ? data : BigInt64Array.from(Array.from(data as ArrayLike<number>, BigInt));
      break;
    case 'int32':
      typed = data instanceof Int32Array ? data : Int32Array.from(data as ArrayLike<number>);
      break;
    default:
      typed = data instanceof Uint8Array ? data : Uint8Array.from(data as ArrayLike<number>);
  }
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}
