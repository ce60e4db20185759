/**
 * The one file that imports onnxruntime-node: creates sessions on a chosen execution provider,
 * runs them, and releases them. Everything else talks to `OrtSession`.
 */
import * as ort from 'onnxruntime-node';

export const EXECUTION_PROVIDERS = ['cpu', 'cuda'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];

export type Tensor = ort.Tensor;
export type TensorType = ort.Tensor.Type;
export type Feeds = Record<string, ort.Tensor>;

export interface SessionOptions {
  ep?: ExecutionProvider;
  /** Intra-op threads; undefined lets ORT choose. */
  threads?: number;
}

/** Fails with the list of valid providers for anything else. */
export function parseExecutionProvider(value: string | undefined): ExecutionProvider {
  const v = (value ?? 'cpu').trim().toLowerCase();
  if ((EXECUTION_PROVIDERS as readonly string[]).includes(v)) return v as ExecutionProvider;
  throw new Error(`unknown execution provider "${value}": valid values are ${EXECUTION_PROVIDERS.join(', ')}`);
}

/** Makes a tensor; a thin alias so callers need not import onnxruntime-node. */
export function tensor(type: 'float32', data: Float32Array, dims: readonly number[]): Tensor;
export function tensor(type: 'float16', data: Uint16Array, dims: readonly number[]): Tensor;
export function tensor(type: 'int64', data: BigInt64Array, dims: readonly number[]): Tensor;
export function tensor(type: 'int32', data: Int32Array, dims: readonly number[]): Tensor;
export function tensor(type: TensorType, data: ort.Tensor.DataType, dims: readonly number[]): Tensor {
  return new ort.Tensor(type as 'float32', data as Float32Array, dims);
}

export class OrtSession {
  private constructor(
    private readonly inner: ort.InferenceSession,
    readonly ep: ExecutionProvider,
  ) {}

  /** Loads an ONNX file (external data files resolved next to it). */
  static async create(path: string, opts: SessionOptions = {}): Promise<OrtSession> {
    const ep = opts.ep ?? 'cpu';
    const inner = await ort.InferenceSession.create(path, {
      executionProviders: [ep],
      graphOptimizationLevel: 'all',
      ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}),
    });
    return new OrtSession(inner, ep);
  }

  get inputNames(): readonly string[] {
    return this.inner.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.inner.outputNames;
  }

  run(feeds: Feeds): Promise<Record<string, Tensor>> {
    return this.inner.run(feeds);
  }

  async dispose(): Promise<void> {
    await this.inner.release();
  }
}
