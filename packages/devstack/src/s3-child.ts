/**
 * Child process behind `startS3()`: runs s3rver (or MinIO) on loopback with the failure proxy in front, and
 * takes orders from the parent over IPC. It exits when the parent goes away, so no server outlives a test.
 */
import S3rver from 's3rver';
import { FailureProxy, type FailureRule } from './failure-proxy';
import { startMinio } from './minio-backend';

export type S3Order =
  | { id: number; type: 'setFailure'; rule: FailureRule }
  | { id: number; type: 'clearFailure' }
  | { id: number; type: 'stats' }
  | { id: number; type: 'stop' };

export type S3Message =
  | { type: 'ready'; port: number; upstreamPort: number }
  | { type: 'reply'; id: number; result?: unknown; error?: string };

function send(message: S3Message): void {
  process.send?.(message);
}

async function startBackend(directory: string, bucket: string, minio: string | undefined) {
  if (minio) return startMinio(minio, directory, bucket);
  // s3rver does not check signatures: tests on it cannot catch a wrong secret (MinIO would).
  const configureBuckets = [{ name: bucket, configs: [] }];
  const s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets });
  const { port } = await s3rver.run();
  return { port, close: () => s3rver.close() };
}

async function main(): Promise<void> {
  const directory = process.env.S3_HARNESS_DIR;
  const bucket = process.env.S3_HARNESS_BUCKET;
  if (!directory || !bucket) throw new Error('S3_HARNESS_DIR and S3_HARNESS_BUCKET are required');
  const upstream = await startBackend(directory, bucket, process.env.S3_HARNESS_MINIO);
  const proxy = new FailureProxy(upstream.port);
  const port = await proxy.start();

  const stop = async () => {
    await proxy.close();
    await upstream.close();
  };
  process.on('disconnect', () => void stop().finally(() => process.exit(0)));
  process.on('message', (order: S3Order) => {
    try {
      if (order.type === 'setFailure') proxy.setFailure(order.rule);
      else if (order.type === 'clearFailure') proxy.clearFailure();
      else if (order.type === 'stats') return send({ type: 'reply', id: order.id, result: proxy.stats() });
      else if (order.type === 'stop') {
        return void stop().then(() => {
          send({ type: 'reply', id: order.id });
          process.disconnect();
        });
      }
      send({ type: 'reply', id: order.id });
    } catch (err) {
      send({ type: 'reply', id: order.id, error: String(err) });
    }
  });
  send({ type: 'ready', port, upstreamPort: upstream.port });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
