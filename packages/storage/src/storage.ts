/** The object store every app uses: S3 (or MinIO, s3rver) behind a small API with retries and typed errors. */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { bodyBytes, sha256Hex } from './body';
import { jobKeys, normalizePrefix } from './key-layout';
import { withRetry } from './retry';
import { httpStatusOf, isMissingObject, toStorageError } from './s3-errors';
import type { StorageConfig } from './storage-config';
import type { ListedObject, ObjectInfo, Storage } from './storage-types';

export type { ListedObject, ObjectInfo, PresignedUrl, PutOptions, PutResult, Storage } from './storage-types';

const MAX_PRESIGN_SECONDS = 7 * 24 * 3600; // SigV4's limit

function makeClient(config: StorageConfig, endpoint: string | undefined): S3Client {
  const credentials =
    config.accessKeyId && config.secretAccessKey
      ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
      : undefined;
  return new S3Client({
    endpoint: endpoint || undefined,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    credentials,
    maxAttempts: 1, // retries are ours (withRetry), so they are not multiplied by the SDK's
    // Checksums only where S3 requires them: MinIO and s3rver do not all speak the newer trailers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: 5_000, requestTimeout: config.requestTimeoutMs ?? 60_000 },
  });
}

const unquote = (etag: string | undefined) => (etag ?? '').replace(/^"|"$/g, '');

/**
 * An object store on one bucket.
 * @example
 * const storage = createStorage({ region: 'us-east-1', bucket: 'pure', prefix: 'prod', forcePathStyle: false });
 */
export function createStorage(config: StorageConfig): Storage {
  const client = makeClient(config, config.endpoint);
  const signer = config.publicEndpoint ? makeClient(config, config.publicEndpoint) : client;
  return bind(config, client, signer, config.bucket, normalizePrefix(config.prefix));
}

function bind(config: StorageConfig, client: S3Client, signer: S3Client, Bucket: string, prefix: string): Storage {
  const retry = config.retry ?? {};
  const run = async <T>(operation: string, key: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await withRetry(operation, key, retry, fn);
    } catch (err) {
      throw toStorageError(err, operation, key);
    }
  };
  const open = (key: string) =>
    run('stream', key, async () => (await client.send(new GetObjectCommand({ Bucket, Key: key }))).Body as Readable);

  const storage: Storage = {
    bucket: Bucket,
    prefix,
    jobKeys: (tenant, jobId) => jobKeys(prefix, tenant, jobId),
    async put(key, body, options = {}) {
      const bytes = await bodyBytes(body);
      const sha256 = sha256Hex(bytes);
      const out = await run('put', key, () =>
        client.send(
          new PutObjectCommand({
            Bucket,
            Key: key,
            Body: bytes,
            ContentLength: bytes.byteLength,
            ContentType: options.contentType ?? 'application/octet-stream',
            Metadata: { ...options.metadata, sha256 },
          }),
        ),
      );
      return { key, size: bytes.byteLength, etag: unquote(out.ETag), sha256 };
    },
    async get(key) {
      return run('get', key, async () => {
        const out = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        const bytes = await out.Body!.transformToByteArray(); // inside the retry: a cut-off body is read again
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      });
    },
    stream: open,
    async head(key) {
      let out;
      try {
        out = await withRetry('head', key, retry, () => client.send(new HeadObjectCommand({ Bucket, Key: key })));
      } catch (err) {
        if (isMissingObject(err)) return null;
        throw toStorageError(err, 'head', key);
      }
      const metadata = out.Metadata ?? {};
      const info: ObjectInfo = { key, size: out.ContentLength ?? 0, etag: unquote(out.ETag), metadata };
      if (out.ContentType) info.contentType = out.ContentType;
      if (out.LastModified) info.lastModified = out.LastModified;
      if (metadata.sha256) info.sha256 = metadata.sha256;
      return info;
    },
    async delete(key) {
      await run('delete', key, () => client.send(new DeleteObjectCommand({ Bucket, Key: key })));
    },
    async deletePrefix(dir) {
      if (dir === '') throw new RangeError('deletePrefix needs a non-empty prefix (it would empty the bucket)');
      const keys = (await storage.list(dir)).map((o) => o.key);
      for (let i = 0; i < keys.length; i += 1000) {
        const Objects = keys.slice(i, i + 1000).map((Key) => ({ Key }));
        const command = new DeleteObjectsCommand({ Bucket, Delete: { Objects, Quiet: true } });
        const out = await run('deletePrefix', dir, () => client.send(command));
        const failed = out.Errors?.[0];
        if (failed) {
          const error = Object.assign(new Error(failed.Message), { name: failed.Code });
          throw toStorageError(error, 'deletePrefix', failed.Key ?? dir);
        }
      }
      return keys.length;
    },
    async list(dir) {
      const found: ListedObject[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await run('list', dir, () =>
          client.send(new ListObjectsV2Command({ Bucket, Prefix: dir, ContinuationToken })),
        );
        for (const o of page.Contents ?? []) {
          const item: ListedObject = { key: o.Key ?? '', size: o.Size ?? 0, etag: unquote(o.ETag) };
          if (o.LastModified) item.lastModified = o.LastModified;
          found.push(item);
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return found;
    },
    async download(key, toPath) {
      await mkdir(dirname(toPath), { recursive: true });
      const part = `${toPath}.part`;
      try {
        // The whole transfer is one attempt, so a connection cut mid-body starts over.
        await run('download', key, async () => {
          const out = await client.send(new GetObjectCommand({ Bucket, Key: key }));
          await pipeline(out.Body as Readable, createWriteStream(part));
        });
        await rename(part, toPath);
      } catch (err) {
        await rm(part, { force: true });
        throw err;
      }
      return { size: (await stat(toPath)).size };
    },
    async presignGet(key, expiresSeconds, options = {}) {
      if (!Number.isInteger(expiresSeconds) || expiresSeconds < 1 || expiresSeconds > MAX_PRESIGN_SECONDS) {
        throw new RangeError(`presign expiry must be an integer 1..${MAX_PRESIGN_SECONDS} s, got ${expiresSeconds}`);
      }
      const safeName = options.filename?.replace(/["\\\r\n]/g, '_');
      const disposition = safeName ? `attachment; filename="${safeName}"` : undefined;
      const command = new GetObjectCommand({ Bucket, Key: key, ResponseContentDisposition: disposition });
      const url = await getSignedUrl(signer, command, { expiresIn: expiresSeconds });
      return { url, expiresAt: new Date(Date.now() + expiresSeconds * 1000).toISOString() };
    },
    async ensureBucket() {
      try {
        await withRetry('headBucket', Bucket, retry, () => client.send(new HeadBucketCommand({ Bucket })));
        return false;
      } catch (err) {
        if (httpStatusOf(err) !== 404) throw toStorageError(err, 'headBucket', Bucket);
      }
      // us-east-1 is the one region S3 refuses as an explicit location constraint.
      const location = config.region === 'us-east-1' ? undefined : { LocationConstraint: config.region as never };
      const command = new CreateBucketCommand({ Bucket, CreateBucketConfiguration: location });
      try {
        await withRetry('createBucket', Bucket, retry, () => client.send(command));
      } catch (err) {
        if ((err as Error).name === 'BucketAlreadyOwnedByYou') return false; // another process won the race
        throw toStorageError(err, 'createBucket', Bucket);
      }
      return true;
    },
    withBucket: (bucket) => bind(config, client, signer, bucket, ''),
    close() {
      client.destroy();
      if (signer !== client) signer.destroy();
    },
  };
  return storage;
}
