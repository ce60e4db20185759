/**
 * A read-only, lazily read set of named tensors: a safetensors checkpoint (one file or shards) or a
 * torch state dict. Nothing is read until `bytes` asks for one tensor, so a 14 GB checkpoint never sits
 * in memory at once.
 */
import type { StoredDtype } from './dtype';

/** Where one tensor lives and what it claims to be. */
export interface TensorInfo {
  name: string;
  dtype: StoredDtype;
  shape: number[];
  /** File the bytes are in, for error messages. */
  file: string;
}

export interface TensorSource {
  /** All tensor names, in file order. */
  names(): string[];
  /** Metadata of one tensor, or undefined when absent. */
  info(name: string): TensorInfo | undefined;
  /** The tensor's raw little-endian bytes, read from disk now. Throws ImportError naming it if short. */
  bytes(name: string): Uint8Array;
  /** Closes open file handles. */
  close(): void;
}

/** Number of elements of a shape (1 for a scalar). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
