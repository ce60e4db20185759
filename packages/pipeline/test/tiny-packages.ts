/** Opens M1's tiny model packages (built on first use into .cache/models) for the pipeline's tests. */
import { ensureTinyPackage } from '@pure/model/tiny/ensure-tiny-package';
import { loadModelPackage, type LoadedModelPackage } from '@pure/model/load-model-package';
import { OrtSession } from '@pure/model/session';
import { createOrtDecoder, type OrtDecoderOptions } from '../src/ort-decoder';
import { createNaiveDecoder } from '../src/naive-decoder';
import type { Decoder } from '../src/decoder';

export type TinyPackageName = 'tiny' | 'tiny-pure-vocab' | 'small';

/** The package folder, built if missing; `fp16` selects the float16 build. */
export async function tinyPackage(name: TinyPackageName, fp16 = false): Promise<LoadedModelPackage> {
  const dir = await ensureTinyPackage(name, undefined, fp16 ? { dtype: 'float16' } : {});
  return loadModelPackage(dir, { verify: false });
}

/** An ORT decoder (or the naive baseline) over a package's decoder graph, single-threaded. */
export async function openDecoder(pkg: LoadedModelPackage, kind: 'ort' | 'naive' = 'ort', opts: OrtDecoderOptions = {}, threads = 1): Promise<Decoder> {
  const session = await OrtSession.create(pkg.paths.decoder, { threads });
  return kind === 'naive' ? createNaiveDecoder(session, pkg.manifest.decoder) : createOrtDecoder(session, pkg.manifest.decoder, opts);
}
