/**
 * Element types a checkpoint may store, and conversions between the float ones. fp16 values travel as
 * their raw bits in a Uint16Array (what onnxruntime and ONNX raw_data expect).
 */
import { fromFloat16Bits } from '../onnx/float16';

/** Storage dtypes named the way safetensors names them. */
export type StoredDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** Bytes per element of each stored dtype. */
export const DTYPE_BYTES: Record<StoredDtype, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1,
};

/** The float dtypes a weight may be stored as. */
export const FLOAT_DTYPES: readonly StoredDtype[] = ['F32', 'F16', 'BF16'];

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** bfloat16 bits -> number (exact: bf16 is the top half of a float32). */
export function bf16BitsToNumber(b: number): number {
  u32[0] = b << 16;
  return f32[0];
}

/** Decodes little-endian stored bytes of a float dtype into float32 values. */
export function decodeToF32(bytes: Uint8Array, dtype: StoredDtype): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.byteLength / DTYPE_BYTES[dtype];
  const out = new Float32Array(n);
  if (dtype === 'F32') for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
  else if (dtype === 'F16') for (let i = 0; i < n; i++) out[i] = fromFloat16Bits(view.getUint16(i * 2, true));
  else if (dtype === 'BF16') for (let i = 0; i < n; i++) out[i] = bf16BitsToNumber(view.getUint16(i * 2, true));
  else if (dtype === 'F64') for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
  else throw new Error(`dtype ${dtype} is not a float type`);
  return out;
}
