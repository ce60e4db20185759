/** Storage settings from the shared environment variables (`@pure/contracts/app-env`). */
import type { SharedEnv } from '@pure/contracts/app-env';
import type { StorageConfig } from './storage-config';

/** The storage config the S3_* variables describe; `retry` tunes the retry wrapper. */
export function storageConfigFromEnv(env: SharedEnv, retry?: StorageConfig['retry']): StorageConfig {
  return {
    endpoint: env.S3_ENDPOINT || undefined,
    publicEndpoint: env.S3_PUBLIC_ENDPOINT || undefined,
    region: env.S3_REGION,
    bucket: env.S3_BUCKET,
    prefix: env.S3_PREFIX,
    accessKeyId: env.S3_ACCESS_KEY_ID || undefined,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY || undefined,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    ...(retry ? { retry } : {}),
  };
}
