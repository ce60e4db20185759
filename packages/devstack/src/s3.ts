/** A real S3-compatible HTTP server on loopback (s3rver in a child process) with a failure proxy in front. */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detach, exited, track } from './children';
import type { StorageConfig } from '@pure/storage/storage-config';
import type { FailureRule, ProxyStats } from './failure-proxy';
import { findMinio, MINIO_CREDENTIALS } from './minio-backend';
import type { S3Message, S3Order } from './s3-child';

export type { FailureRule, ProxyStats } from './failure-proxy';

export interface S3Server {
  /** Which server runs: `minio` checks signatures, `s3rver` does not. */
  backend: 's3rver' | 'minio';
  /** `http://127.0.0.1:<port>` of the failure proxy; use path-style addressing. */
  endpoint: string;
  /** The server itself, bypassing the proxy (never refuses). */
  directEndpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The server's data dir. */
  dir: string;
  /** Refuse matching requests (default: every PUT and POST with 503, until cleared). */
  setFailure(rule?: FailureRule): Promise<void>;
  /** Pass every request again. */
  clearFailure(): Promise<void>;
  /** Requests seen, refused and passed through the proxy so far. */
  stats(): Promise<ProxyStats>;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}

export interface S3Options {
  /** Bucket to create; default `pure-test`. */
  bucket?: string;
  /**
   * Default: `PURE_TEST_S3` (`minio` or `s3rver`) when set, else MinIO when a `minio` binary is on the PATH,
   * else s3rver.
   */
  backend?: 's3rver' | 'minio';
}

function chooseBackend(wanted: string | undefined): { backend: 's3rver' | 'minio'; minio?: string } {
  if (wanted === 's3rver') return { backend: 's3rver' };
  const minio = findMinio();
  if (minio) return { backend: 'minio', minio };
  if (wanted === 'minio') throw new Error('PURE_TEST_S3=minio but no minio binary is on the PATH');
  return { backend: 's3rver' };
}

/** An order without its id (Omit over each member of the union). */
type OrderBody = S3Order extends infer O ? (O extends S3Order ? Omit<O, 'id'> : never) : never;

const childScript = fileURLToPath(new URL('./s3-child.ts', import.meta.url));

function waitReady(child: ChildProcess): Promise<{ port: number; upstreamPort: number }> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: S3Message) => {
      if (message.type !== 'ready') return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`s3 harness child exited (${code}) before ready`)));
  });
}

/** Starts s3rver with one bucket on a free loopback port; call `stop()` in the file's `after` hook. */
export async function startS3(options: S3Options = {}): Promise<S3Server> {
  const bucket = options.bucket ?? 'pure-test';
  const { backend, minio } = chooseBackend(options.backend ?? process.env.PURE_TEST_S3);
  const dir = await mkdtemp(join(tmpdir(), 'pure-s3-'));
  const child = track(
    fork(childScript, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, S3_HARNESS_DIR: dir, S3_HARNESS_BUCKET: bucket, S3_HARNESS_MINIO: minio ?? '' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const { port, upstreamPort } = await waitReady(child);
  detach(child);
  const channel = child.channel as { ref(): void; unref(): void } | undefined;

  let nextId = 1;
  let pending = 0;
  const ask = (order: OrderBody): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const onMessage = (message: S3Message) => {
        if (message.type !== 'reply' || message.id !== id) return;
        child.off('message', onMessage);
        if (--pending === 0) channel?.unref();
        if (message.error) reject(new Error(message.error));
        else resolve(message.result);
      };
      child.on('message', onMessage);
      if (pending++ === 0) channel?.ref(); // keep the loop alive until the answer comes
      child.send({ ...order, id } as S3Order);
    });

  const credentials = backend === 'minio' ? MINIO_CREDENTIALS : { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  return {
    backend,
    endpoint: `http://127.0.0.1:${port}`,
    directEndpoint: `http://127.0.0.1:${upstreamPort}`,
    bucket,
    region: 'us-east-1',
    ...credentials,
    dir,
    setFailure: async (rule = {}) => void (await ask({ type: 'setFailure', rule })),
    clearFailure: async () => void (await ask({ type: 'clearFailure' })),
    stats: async () => (await ask({ type: 'stats' })) as ProxyStats,
    async stop() {
      if (child.connected) await ask({ type: 'stop' });
      await exited(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The environment variables (ARCHITECTURE.md names) that point a child api or worker at this server. */
export function s3Env(s3: S3Server, prefix: string): Record<string, string> {
  return {
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_BUCKET: s3.bucket,
    S3_PREFIX: prefix,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
  };
}

/** A `createStorage` config for this server under `prefix` (tests pass a fast `retry`, e.g. `{ baseDelayMs: 5 }`). */
export function s3StorageConfig(s3: S3Server, prefix: string, retry?: StorageConfig['retry']): StorageConfig {
  const { endpoint, region, bucket, accessKeyId, secretAccessKey } = s3;
  const config: StorageConfig = { endpoint, region, bucket, prefix, accessKeyId, secretAccessKey, forcePathStyle: true };
  if (retry) config.retry = retry;
  return config;
}
