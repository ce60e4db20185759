/** What `createStorage` needs; the apps build it from the `S3_*` environment variables. */
import type { RetryOptions } from './retry';

export interface StorageConfig {
  /** S3 endpoint URL (MinIO, s3rver); absent or empty means AWS. */
  endpoint?: string;
  /** Endpoint used in presigned URLs when clients reach the store by another address than the services do. */
  publicEndpoint?: string;
  region: string;
  bucket: string;
  /** Key prefix under which every job lives (`''` for none); slashes at either end are ignored. */
  prefix: string;
  /** Static credentials; both absent means the SDK's default chain (instance role, env, profile). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Path-style addressing (`endpoint/bucket/key`), needed by MinIO and s3rver. */
  forcePathStyle: boolean;
  /** Retry policy for 5xx, throttling and network errors. */
  retry?: RetryOptions;
  /** Socket idle timeout of one request in ms; default 60000. */
  requestTimeoutMs?: number;
}
