/**
 * A `minio` binary as the harness's S3 server, used when one is on the PATH: unlike s3rver it checks
 * signatures. Not exercised on machines without the binary (the default there is s3rver).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createStorage } from '@pure/storage/storage';
import { exited, track } from './children';
import { freePort } from './free-port';

export const MINIO_CREDENTIALS = { accessKeyId: 'pure-test-key', secretAccessKey: 'pure-test-secret' };

/** The `minio` executable on the PATH, if any. */
export function findMinio(): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const path = join(dir || '.', 'minio');
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/** Starts MinIO on a free loopback port with `bucket` created; resolves with its port and a closer. */
export async function startMinio(
  binary: string,
  dir: string,
  bucket: string,
): Promise<{ port: number; close(): Promise<void> }> {
  const [port, consolePort] = [await freePort(), await freePort()];
  const args = ['server', dir, '--quiet', '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`];
  const { accessKeyId, secretAccessKey } = MINIO_CREDENTIALS;
  const env = { ...process.env, MINIO_ROOT_USER: accessKeyId, MINIO_ROOT_PASSWORD: secretAccessKey };
  const child = track(spawn(binary, args, { env, stdio: ['ignore', 'ignore', 'inherit'] }));
  // MinIO prints nothing reliable with --quiet; its liveness endpoint is the signal. Polled, bounded.
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`minio exited with ${child.exitCode}`);
    const live = await fetch(`http://127.0.0.1:${port}/minio/health/live`).then((r) => r.ok, () => false);
    if (live) break;
    if (i > 300) throw new Error('minio did not become live within 30 s');
    await sleep(100);
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const storage = createStorage({ endpoint, region: 'us-east-1', bucket, prefix: '', forcePathStyle: true, ...MINIO_CREDENTIALS });
  await storage.ensureBucket();
  storage.close();
  return {
    port,
    async close() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
