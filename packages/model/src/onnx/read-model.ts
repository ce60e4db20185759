/**
 * Reads the interface of an .onnx file (inputs, outputs, initializer shapes) without onnxruntime,
 * so the package loader can check a graph against its manifest before any session exists.
 */
import { readFileSync } from 'node:fs';
import { DataType, decodeModel, type DType, type ValueInfoProto } from './proto';

/** Name, element type and dims of a graph input or output. */
export interface ValueSignature { name: string; dtype: DType | 'unknown'; dims: (number | string)[] }
/** What the loader checks a manifest against. */
export interface ModelSignature {
  inputs: ValueSignature[];
  outputs: ValueSignature[];
  /** Initializer name -> dims and dtype (data is not kept). */
  initializers: Map<string, { dims: number[]; dtype: DType | 'unknown'; external: boolean }>;
  opsets: { domain: string; version: number }[];
  nodeCount: number;
}

const DTYPE_BY_CODE = new Map<number, DType>(Object.entries(DataType).map(([k, v]) => [v, k as DType]));

/** Parses an ONNX file's signature; throws on bytes that are not an ONNX model. */
export function readModelSignature(path: string): ModelSignature {
  const model = decodeModel(readFileSync(path));
  if (!model.graph) throw new Error(`${path}: not an ONNX model (no graph)`);
  const g = model.graph;
  const initializers: ModelSignature['initializers'] = new Map();
  for (const t of g.initializer ?? []) {
    initializers.set(t.name, {
      dims: (t.dims ?? []).map(Number),
      dtype: DTYPE_BY_CODE.get(t.dataType) ?? 'unknown',
      external: t.dataLocation === 1,
    });
  }
  return {
    inputs: (g.input ?? []).map(sig),
    outputs: (g.output ?? []).map(sig),
    initializers,
    opsets: (model.opsetImport ?? []).map((o) => ({ domain: o.domain ?? '', version: Number(o.version) })),
    nodeCount: (g.node ?? []).length,
  };
}

function sig(v: ValueInfoProto): ValueSignature {
  const tt = v.type?.tensorType;
  return {
    name: v.name,
    dtype: DTYPE_BY_CODE.get(tt?.elemType ?? 0) ?? 'unknown',
    dims: (tt?.shape?.dim ?? []).map((d) => (d.dimParam !== undefined && d.dimParam !== '' ? d.dimParam : Number(d.dimValue ?? 0))),
  };
}
