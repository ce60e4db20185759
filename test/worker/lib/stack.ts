/**
 * The whole service for end-to-end tests: a private redis-server (AOF on) and S3 server, the api as a child
 * process with its webhook dispatcher, a webhook receiver, and workers as child processes on demand.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { JobProgress, JobStatus, JobView } from '@pure/contracts/job';
import type { ParamsInput } from '@pure/contracts/params';
import { JobStore } from '@pure/jobs/job-store';
import { createJobQueues, type JobQueues } from '@pure/jobs/queues';
import { createStorage, type Storage } from '@pure/storage/storage';
import { freePort, s3Env, startNodeProcess, startRedis, startS3, uniquePrefix, type NodeProcess, type RedisServer, type S3Server } from '../../harness/index';
import { WebhookReceiver } from './webhook-receiver';

const API_KEY = 'key-worker-e2e';

/** A worker child process and its ops port. */
export interface WorkerProcess extends NodeProcess {
  opsPort: number;
}

type JobEvent = { type: 'status'; status: JobStatus } | { type: 'progress'; progress: JobProgress };

export class Stack {
  redis!: RedisServer;
  s3!: S3Server;
  api!: NodeProcess;
  apiUrl = '';
  readonly prefix = uniquePrefix('worker-e2e');
  readonly hooks: WebhookReceiver;
  client!: Redis;
  store!: JobStore;
  queues!: JobQueues;
  storage!: Storage;
  private sub!: Redis;
  private readonly listeners = new Set<(jobId: string, e: JobEvent) => void>();
  private readonly workers: NodeProcess[] = [];
  private readonly extra: Redis[] = [];

  constructor() {
    this.hooks = new WebhookReceiver(`whsec_${randomBytes(24).toString('base64')}`);
  }

  async start(): Promise<this> {
    [this.redis, this.s3] = await Promise.all([startRedis({ appendonly: true }), startS3(), this.hooks.start()]).then(([r, s]) => [r, s] as const);
    this.client = new Redis(this.redis.url, { maxRetriesPerRequest: null });
    this.sub = this.client.duplicate();
    this.store = new JobStore(this.client, this.prefix);
    this.queues = createJobQueues({ connection: this.client, prefix: this.prefix });
    this.storage = createStorage({ endpoint: this.s3.directEndpoint, region: this.s3.region, bucket: this.s3.bucket, prefix: this.prefix, accessKeyId: this.s3.accessKeyId, secretAccessKey: this.s3.secretAccessKey, forcePathStyle: true });
    await this.sub.psubscribe(`${this.store.keys.root}events:*`);
    this.sub.on('pmessage', (_p: string, channel: string, message: string) => {
      const jobId = channel.slice(`${this.store.keys.root}events:`.length);
      const event = JSON.parse(message) as JobEvent;
      for (const l of this.listeners) l(jobId, event);
    });
    const port = await freePort();
    this.api = await this.service('apps/api/src/main.ts', {
      ...this.common(),
      PURE_API_KEYS: `acme:${API_KEY}`,
      PURE_WEBHOOK_SECRETS: `acme:${this.hooks.secret}`,
      PURE_ALLOW_PRIVATE_URLS: '1',
      PURE_WEBHOOK_RETRY_SCHEDULE: '50,50,50',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
    this.apiUrl = `http://127.0.0.1:${port}`;
    await this.api.waitForRecord((l) => String(l.msg).includes('Server listening'), 'listening');
    return this;
  }

  private common(): Record<string, string> {
    return { REDIS_URL: this.redis.url, PURE_REDIS_PREFIX: this.prefix, ...s3Env(this.s3, this.prefix) };
  }

  /** Starts a worker on the tiny package with short lock, stall and backoff settings; resolves once it takes jobs. */
  async startWorker(env: Record<string, string> = {}, opts: { waitRunning?: boolean } = {}): Promise<WorkerProcess> {
    const w = (await this.service('apps/worker/src/main.ts', {
      ...this.common(),
      PURE_MODEL: 'tiny',
      PURE_THREADS: '1',
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      PURE_LOCK_DURATION_MS: '2000',
      PURE_STALLED_INTERVAL_MS: '1000',
      PURE_BACKOFF_MS: '100,100,100,100',
      PURE_S3_ATTEMPTS: '2',
      ...env,
    })) as WorkerProcess;
    this.workers.push(w);
    const listening = await w.waitForRecord((l) => l.msg === 'ops server listening', 'its ops port');
    w.opsPort = Number(listening.port);
    if (opts.waitRunning !== false) await w.waitForRecord((l) => l.msg === 'worker state' && l.to === 'running', 'running');
    return w;
  }

  /** An app as a child process with only the given environment. */
  private service(script: string, env: Record<string, string>): Promise<NodeProcess> {
    return startNodeProcess({ script, env, cleanEnv: true });
  }

  /** A fresh connection (for QueueEvents), closed by stop(). */
  events(): Redis {
    const c = this.client.duplicate({ maxRetriesPerRequest: null });
    this.extra.push(c);
    return c;
  }

  auth(): Record<string, string> {
    return { authorization: `Bearer ${API_KEY}` };
  }

  /** Submits one image through the api (JSON, base64), with this stack's webhook. */
  async submit(image: Buffer, params: ParamsInput = {}): Promise<JobView> {
    const res = await fetch(`${this.apiUrl}/v1/jobs`, {
      method: 'POST',
      headers: { ...this.auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ input: { base64: image.toString('base64') }, params, webhook: { url: this.hooks.url } }),
    });
    if (res.status !== 202) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as JobView;
  }

  async view(jobId: string): Promise<JobView> {
    const res = await fetch(`${this.apiUrl}/v1/jobs/${jobId}`, { headers: this.auth() });
    return (await res.json()) as JobView;
  }

  async cancel(jobId: string): Promise<number> {
    return (await fetch(`${this.apiUrl}/v1/jobs/${jobId}/cancel`, { method: 'POST', headers: this.auth() })).status;
  }

  /** Calls `fn` with every progress and status event of `jobId` until the returned function is called. */
  watch(jobId: string, fn: (e: JobEvent) => void): () => void {
    const l = (id: string, e: JobEvent) => id === jobId && fn(e);
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Resolves with the status once the job has one of `statuses` (checked after subscribing, so none is missed). */
  async waitStatus(jobId: string, statuses: JobStatus[]): Promise<JobStatus> {
    let stop = () => {};
    const seen = new Promise<JobStatus>((resolve) => {
      stop = this.watch(jobId, (e) => e.type === 'status' && statuses.includes(e.status) && resolve(e.status));
    });
    const now = (await this.store.get(jobId))?.status;
    const status = now && statuses.includes(now) ? now : await seen;
    stop();
    return status;
  }

  /** Resolves once the job's image progress reaches `done` tokens. */
  waitImageProgress(jobId: string, done: number): Promise<JobProgress> {
    return new Promise((resolve) => {
      const stop = this.watch(jobId, (e) => {
        if (e.type === 'progress' && e.progress.phase === 'image' && e.progress.done >= done) {
          stop();
          resolve(e.progress);
        }
      });
    });
  }

  /** Every S3 key under the job's folder. */
  async jobObjects(tenant: string, jobId: string): Promise<string[]> {
    return (await this.storage.list(this.storage.jobKeys(tenant, jobId).dir)).map((o) => o.key.split('/').pop()!).sort();
  }

  async stop(): Promise<void> {
    const t0 = performance.now();
    await Promise.all(this.workers.map((w) => w.stop()));
    const t1 = performance.now();
    await this.api?.stop();
    if (process.env.E2E_DEBUG) console.error(`stop: workers ${Math.round(t1 - t0)} ms, api ${Math.round(performance.now() - t1)} ms`);
    await this.queues?.close();
    this.sub?.disconnect();
    for (const c of this.extra) c.disconnect();
    this.client?.disconnect();
    this.storage?.close();
    await this.hooks.stop();
    await Promise.all([this.redis?.stop(), this.s3?.stop()]);
  }
}

/** Text of a metric sample from a worker's /metrics, summed over label sets. */
export async function metricValue(opsPort: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
