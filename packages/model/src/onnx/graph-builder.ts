/**
 * A small builder for ONNX graphs: values are plain strings (tensor names), every op gets a fresh
 * output name unless you give one, initializers may hold data now or produce it lazily at write time.
 *
 * @example
 * const g = new GraphBuilder('decoder');
 * const ids = g.input('input_ids', 'int64', ['batch', 'seq']);
 * const emb = g.initializer('embed', 'float32', [V, H], weights);        // Float32Array, or () => data
 * const x = g.op('Gather', [emb, ids]);                                  // fresh name like "Gather_0"
 * const y = g.op('LayerNormalization', [x, s, b], { axis: -1, epsilon: 1e-5 });
 * const [a, b2] = g.ops('Split', [y, g.constI64([H / 2, H / 2])], 2, { axis: -1 });
 * g.op('Concat', [a, b2], { axis: -1 }, 'out');                         // explicit output name
 * g.output('out', 'float32', ['batch', 'seq', H]);
 * await writeModel(g, 'model.onnx');                                     // see write-model.ts
 *
 * Attributes: integers become INT, other numbers FLOAT (use `floatAttr(1)` for an integral float),
 * number arrays INTS (all integral) or FLOATS, strings STRING. Float16 initializers accept a Float32Array
 * (converted here) or a Uint16Array of binary16 bits. `data` may be omitted (a stub) to build graph-only
 * protos for very large models; such a model can be encoded with all initializers external but not run.
 */
import { AttributeType, DataType, type AttributeProto, type DType, type NodeProto, type ValueInfoProto } from './proto';

/** A dimension: a fixed size or a symbolic name such as 'batch'. */
export type Dim = number | string;
/** Initializer contents: typed data, a function that produces it at write time, or undefined for a stub. */
export type TensorData = Float32Array | Uint16Array | BigInt64Array | Int32Array | Uint8Array | Float64Array;
/** Data now, data produced at write time (keeps one big tensor in memory at a time), or a stub. */
export type DataSource = TensorData | (() => TensorData) | undefined;

/** Marks a number attribute as FLOAT even when it is integral. */
export interface FloatAttr { float: number }
/** Wraps a number so it is written as a FLOAT attribute. */
export const floatAttr = (value: number): FloatAttr => ({ float: value });
/** A node attribute value (see the file comment for how types are inferred). */
export type AttrValue = number | string | number[] | FloatAttr | { floats: number[] };

/** A weight or constant as the builder holds it until written. */
export interface Initializer {
  name: string;
  dtype: DType;
  dims: number[];
  data: DataSource;
}

/** One opset import: '' is the default ONNX domain. */
export interface OpsetImport { domain: string; version: number }

/** Default opset: 17 (LayerNormalization, attribute-style ReduceMean). */
export const DEFAULT_OPSET = 17;
/** onnxruntime's contrib-op domain; pass `extraOpsets: [MS_OPSET]` and `domain: MS_DOMAIN` on the node. */
export const MS_DOMAIN = 'com.microsoft';
/** The com.microsoft opset import, version 1. */
export const MS_OPSET: OpsetImport = { domain: MS_DOMAIN, version: 1 };

/** Collects inputs, outputs, initializers and nodes of one ONNX graph; write it with writeModel. */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: Initializer[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  readonly opsets: OpsetImport[];
  private readonly used = new Set<string>();
  private counter = 0;

  constructor(
    readonly name: string,
    opts: { opset?: number; extraOpsets?: OpsetImport[] } = {},
  ) {
    this.opsets = [{ domain: '', version: opts.opset ?? DEFAULT_OPSET }, ...(opts.extraOpsets ?? [])];
  }

  /** A graph input; returns its name. */
  input(name: string, dtype: DType, dims: Dim[]): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, dtype, dims));
    return name;
  }

  /** Declares an existing value as a graph output. */
  output(name: string, dtype: DType, dims: Dim[]): string {
    this.outputs.push(valueInfo(name, dtype, dims));
    return name;
  }

  /** Adds a named initializer (weights); returns its name. */
  initializer(name: string, dtype: DType, dims: number[], data?: DataSource): string {
    this.claim(name);
    return this.pushInit(name, dtype, dims, data);
  }

  private pushInit(name: string, dtype: DType, dims: number[], data: DataSource): string {
    this.initializers.push({ name, dtype, dims: [...dims], data });
    return name;
  }

  /** A small int64 constant (shapes, axes, indices) as an initializer with a fresh name. */
  constI64(values: number[] | number, dims?: number[]): string {
    const arr = Array.isArray(values) ? values : [values];
    const shape = dims ?? (Array.isArray(values) ? [arr.length] : []);
    return this.pushInit(this.fresh('const_i64'), 'int64', shape, BigInt64Array.from(arr.map(BigInt)));
  }

  /** A small float constant (float32, or float16 when dtype says so) with a fresh name. */
  constF(values: number[] | number, dtype: 'float32' | 'float16' = 'float32', dims?: number[]): string {
    const arr = Array.isArray(values) ? values : [values];
    const shape = dims ?? (Array.isArray(values) ? [arr.length] : []);
    return this.pushInit(this.fresh('const_f'), dtype, shape, Float32Array.from(arr));
  }

  /** Adds one node with one output; returns the output name (fresh unless `outName` is given). */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outName?: string, domain = ''): string {
    return this.ops(opType, inputs, 1, attrs, outName ? [outName] : undefined, domain)[0];
  }

  /** Adds one node with `count` outputs; returns their names. */
  ops(
    opType: string,
    inputs: string[],
    count: number,
    attrs: Record<string, AttrValue> = {},
    outNames?: string[],
    domain = '',
  ): string[] {
    const outputs = outNames ?? Array.from({ length: count }, () => this.fresh(opType));
    for (const o of outNames ?? []) this.claim(o);
    const node: NodeProto = {
      input: inputs,
      output: outputs,
      name: `${opType}_node_${this.counter++}`,
      opType,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    };
    if (domain) node.domain = domain;
    this.nodes.push(node);
    return outputs;
  }

  /** A fresh, unused value name with the given stem. */
  fresh(stem: string): string {
    let name: string;
    do name = `${stem}_${this.counter++}`;
    while (this.used.has(name));
    this.used.add(name);
    return name;
  }

  /** Node count and the number of scalar weights (excluding small int64 constants). */
  stats(): { nodes: number; initializers: number; parameters: number; bytes: number } {
    let parameters = 0;
    let bytes = 0;
    for (const t of this.initializers) {
      const n = t.dims.reduce((a, b) => a * b, 1);
      bytes += n * BYTES[t.dtype];
      if (t.dtype === 'float32' || t.dtype === 'float16') parameters += n;
    }
    return { nodes: this.nodes.length, initializers: this.initializers.length, parameters, bytes };
  }

  private claim(name: string): void {
    if (this.used.has(name)) throw new Error(`ONNX graph "${this.name}": value name "${name}" is already used`);
    this.used.add(name);
  }
}

/** Bytes per element of each dtype. */
export const BYTES: Record<DType, number> = { float32: 4, uint8: 1, int8: 1, int32: 4, int64: 8, bool: 1, float16: 2, float64: 8 };

function valueInfo(name: string, dtype: DType, dims: Dim[]): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DataType[dtype],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, v: AttrValue): AttributeProto {
  if (typeof v === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') {
    return Number.isInteger(v) ? { name, type: AttributeType.INT, i: v } : { name, type: AttributeType.FLOAT, f: v };
  }
  if (Array.isArray(v)) {
    return v.every(Number.isInteger)
      ? { name, type: AttributeType.INTS, ints: v }
      : { name, type: AttributeType.FLOATS, floats: v };
  }
  if ('floats' in v) return { name, type: AttributeType.FLOATS, floats: v.floats };
  return { name, type: AttributeType.FLOAT, f: v.float };
}
