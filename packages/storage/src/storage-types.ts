/** The shapes `Storage` takes and returns. */
import type { Readable } from 'node:stream';
import type { PutBody } from './body';
import type { JobKeys } from './key-layout';

export interface PutOptions {
  /** Default `application/octet-stream`. */
  contentType?: string;
  /** Extra user metadata (`x-amz-meta-*`); `sha256` is always set by `put`. */
  metadata?: Record<string, string>;
}

export interface PutResult {
  key: string;
  size: number;
  /** The ETag without quotes. */
  etag: string;
  /** Hex SHA-256 of the bytes, also stored as the object's `sha256` metadata. */
  sha256: string;
}

export interface ObjectInfo {
  key: string;
  size: number;
  etag: string;
  contentType?: string;
  lastModified?: Date;
  /** The `sha256` metadata written by `put`, when present. */
  sha256?: string;
  metadata: Record<string, string>;
}

export interface ListedObject {
  key: string;
  size: number;
  etag: string;
  lastModified?: Date;
}

/** A presigned GET: the shape of a link in a job view. */
export interface PresignedUrl {
  url: string;
  /** ISO 8601. */
  expiresAt: string;
}

/** See `createStorage`. Every key is a full bucket key; `jobKeys` builds them with the configured prefix. */
export interface Storage {
  readonly bucket: string;
  /** The configured prefix, normalized (no slashes at either end). */
  readonly prefix: string;
  /** The keys of one job under this store's prefix. */
  jobKeys(tenant: string, jobId: string): JobKeys;
  /** Stores `body` (retried as a whole on transient failures); returns its size, ETag and SHA-256. */
  put(key: string, body: PutBody, options?: PutOptions): Promise<PutResult>;
  /** The object's bytes; a missing object throws a non-retryable `input_missing`. */
  get(key: string): Promise<Buffer>;
  /** The object as a stream (only opening it is retried). */
  stream(key: string): Promise<Readable>;
  /** Size, ETag and metadata, or null when there is no such object. */
  head(key: string): Promise<ObjectInfo | null>;
  /** Removes one object; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** Removes every object under a non-empty prefix; returns how many. */
  deletePrefix(prefix: string): Promise<number>;
  /** Every object under `prefix`, in key order. */
  list(prefix: string): Promise<ListedObject[]>;
  /** Writes the object to `toPath` (through a `.part` file, renamed when complete); returns its size. */
  download(key: string, toPath: string): Promise<{ size: number }>;
  /** A GET URL valid for `expiresSeconds` (1 s to 7 days); `filename` sets Content-Disposition. */
  presignGet(key: string, expiresSeconds: number, options?: { filename?: string }): Promise<PresignedUrl>;
  /** Creates the bucket when it does not exist (demo and test stacks); true when it created it. */
  ensureBucket(): Promise<boolean>;
  /** The same client on another bucket (e.g. an operator-allowed input bucket), with no prefix; close only the original. */
  withBucket(bucket: string): Storage;
  /** Closes the client's sockets. */
  close(): void;
}
