/** Opens the configured model package: a tiny one built on first use, a folder, or an `s3://` prefix. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModelPackage, type LoadedModelPackage } from '@pure/model/load-model-package';
import { ensureTinyPackage } from '@pure/model/tiny/ensure-tiny-package';
import { TINY_NAMES, type TinyName } from '@pure/model/tiny/tiny-specs';
import { createStorage } from '@pure/storage/storage';
import type { ThreadConfig } from './protocol';

/** The package at `config.model`; throws ModelPackageError (never retryable) when it is unusable. */
export async function loadPackage(config: ThreadConfig): Promise<LoadedModelPackage> {
  if ((TINY_NAMES as readonly string[]).includes(config.model)) {
    // Hashed when built; hashing again would only slow every start.
    return loadModelPackage(await ensureTinyPackage(config.model as TinyName), { verify: false });
  }
  if (config.model.startsWith('s3://')) {
    const s = config.storage;
    const storage = createStorage({
      endpoint: s.endpoint,
      region: s.region,
      bucket: 'unused', // the loader picks the location's bucket with withBucket
      prefix: '',
      accessKeyId: s.accessKeyId || undefined,
      secretAccessKey: s.secretAccessKey || undefined,
      forcePathStyle: s.forcePathStyle,
    });
    try {
      const cacheDir = config.modelCacheDir || join(tmpdir(), 'pure-models');
      return await loadModelPackage(config.model, { store: (bucket) => storage.withBucket(bucket), cacheDir });
    } finally {
      storage.close();
    }
  }
  return loadModelPackage(config.model);
}
