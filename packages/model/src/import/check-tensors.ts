/**
 * Checks a checkpoint against the tensors a graph needs before anything is written: every expected
 * tensor present, with an accepted shape and a float dtype. All problems are reported at once, each
 * naming the tensor and the file it is in.
 */
import { decodeToF32, FLOAT_DTYPES } from './dtype';
import { ImportError } from './import-error';
import type { TensorSource } from './tensor-source';

/** A tensor the importer needs; `shapes` lists every stored shape it accepts (same element count). */
export interface ExpectedTensor {
  name: string;
  shapes: number[][];
}

const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** Throws one ImportError listing every missing, mis-shaped or non-float tensor of `expected`. */
export function checkTensors(src: TensorSource, expected: ExpectedTensor[], where: string): void {
  const problems: string[] = [];
  for (const e of expected) {
    const info = src.info(e.name);
    if (!info) {
      problems.push(`missing tensor ${e.name}`);
      continue;
    }
    if (!e.shapes.some((s) => same(s, info.shape))) {
      problems.push(`tensor ${e.name} in ${info.file} has shape [${info.shape}], expected [${e.shapes[0]}]`);
    }
    if (!FLOAT_DTYPES.includes(info.dtype)) {
      problems.push(`tensor ${e.name} in ${info.file} has dtype ${info.dtype}, expected one of ${FLOAT_DTYPES.join(', ')}`);
    }
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 20).join('; ');
    const more = problems.length > 20 ? ` (and ${problems.length - 20} more)` : '';
    throw new ImportError(`${where}: ${shown}${more}`);
  }
}

/**
 * Reads one checked tensor as float32. With `fp16Target`, a finite value beyond fp16's range is refused
 * naming the tensor rather than silently written as infinity.
 */
export function readFloat32(src: TensorSource, name: string, fp16Target = false): Float32Array {
  const info = src.info(name);
  if (!info) throw new ImportError(`missing tensor ${name}`);
  const values = decodeToF32(src.bytes(name), info.dtype);
  if (fp16Target) {
    for (let i = 0; i < values.length; i++) {
      if (Math.abs(values[i]) > 65504 && Number.isFinite(values[i])) {
        throw new ImportError(`tensor ${name} in ${info.file} holds ${values[i]} at index ${i}, beyond float16's range`);
      }
    }
  }
  return values;
}
