/**
 * `npm run bench -- worker [--quick | --small-rows N]`: what the worker adds around `restore()`, for the `tiny` and `small`
 * packages. Each job goes through the real path (input in S3, BullMQ on a private redis-server, the
 * inference thread, row checkpoints, artifact and manifest uploads, state transitions, events); the
 * overhead is the attempt's time minus the time inside `restore()`. Baseline, same run: `restore()` called
 * directly in-process, no queue. Tokens/s are generated tokens over the generate phase, inside restore().
 * `--quick` runs `tiny` only; `--small-rows N` runs only the first N image rows of `small` (tokens/s, no overhead).
 */
import { availableParallelism } from 'node:os';
import { Writable } from 'node:stream';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { DEFAULT_PARAMS, type RestoreParams } from '@pure/contracts/params';
import type { JobData } from '@pure/contracts/job';
import { JobStore } from '@pure/jobs/job-store';
import { createJobQueues, restoreJobOptions } from '@pure/jobs/queues';
import { loadModelPackage } from '@pure/model/load-model-package';
import { ensureTinyPackage } from '@pure/model/tiny/ensure-tiny-package';
import type { TinyName } from '@pure/model/tiny/tiny-specs';
import { createRestorer } from '@pure/pipeline/restore';
import { sha256Hex } from '@pure/storage/body';
import { createStorage } from '@pure/storage/storage';
import { createLogger } from '@pure/telemetry/logger';
import { loadEnv } from '../apps/worker/src/env';
import { startWorker } from '../apps/worker/src/start-worker';
import { s3Env, startRedis, startS3, uniquePrefix } from '../test/harness/index';
import { median } from './lib/stats';

interface Row {
  model: string;
  path: string;
  jobs: number;
  restoreS: number;
  tokensPerS: number;
  overheadMs: number | null;
  enqueueToDoneS: number | null;
}

// One core is left to the main thread, Redis and S3 (this is a CPU run; a GPU worker's host does little).
let THREADS = Math.max(1, availableParallelism() - 1);
const params = (seed: number): RestoreParams => ({ ...DEFAULT_PARAMS, seed });

async function input(): Promise<Buffer> {
  const raw = Buffer.alloc(48 * 32 * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 37 + (i >> 5) * 11) & 255;
  return sharp(raw, { raw: { width: 48, height: 32, channels: 3 } }).png().toBuffer();
}

interface Sample {
  restoreS: number;
  tokensPerS: number;
  overheadMs?: number;
  enqueueToDoneS?: number;
}

/** One path: `run` restores a whole job, or with `rows` only that many image rows (then stops it). */
interface BenchPath {
  run(image: Buffer, seed: number, rows?: number): Promise<Sample>;
  close(): Promise<void>;
}

/** The baseline: restore() called directly in this process, no queue, no S3, no thread. */
async function directPath(name: TinyName): Promise<BenchPath> {
  const restorer = await createRestorer(await loadModelPackage(await ensureTinyPackage(name), { verify: false }), { threads: THREADS });
  const grid = restorer.manifest.image.size / restorer.manifest.image.downsample;
  return {
    async run(image, seed, rows) {
      const t0 = performance.now();
      if (!rows) {
        const r = await restorer.restore(image, params(seed));
        return { restoreS: (performance.now() - t0) / 1000, tokensPerS: (r.tokens.text + r.tokens.image) / r.timings.generate };
      }
      // Partial: stop after `rows` image rows; speed over the last row (what the worker's gauge reports).
      const stop = new AbortController();
      const at: number[] = [];
      await restorer
        .restore(image, params(seed), {
          signal: stop.signal,
          onCheckpoint: () => {
            at.push(performance.now());
            if (at.length >= rows) stop.abort();
          },
        })
        .catch((err: unknown) => {
          if ((err as Error).name !== 'AbortError') throw err;
        });
      return { restoreS: (performance.now() - t0) / 1000, tokensPerS: (grid * 1000) / (at[rows - 1] - at[rows - 2]) };
    },
    close: () => restorer.dispose(),
  };
}

/** The real path: input in S3, a job on the queue, the worker's thread, checkpoints, uploads, manifest, events. */
async function workerPath(name: TinyName, redisUrl: string, s3: Awaited<ReturnType<typeof startS3>>): Promise<BenchPath> {
  const prefix = uniquePrefix(`bench-${name}`);
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), cb()) });
  const env = loadEnv({ REDIS_URL: redisUrl, PURE_REDIS_PREFIX: prefix, ...s3Env(s3, prefix), PURE_MODEL: name, PURE_THREADS: String(THREADS), METRICS_PORT: '0', METRICS_HOST: '127.0.0.1' });
  const worker = await startWorker({ env, logger: createLogger({ name: 'bench-worker', destination: sink }) });
  if (!(await worker.ready)) throw new Error(`worker for ${name} did not load its model`);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const store = new JobStore(redis, prefix);
  const queues = createJobQueues({ connection: redis, prefix });
  const eventsConnection = redis.duplicate();
  const events = new QueueEvents('restore', { connection: eventsConnection, prefix });
  await events.waitUntilReady();
  const storage = createStorage({ endpoint: s3.endpoint, region: s3.region, bucket: s3.bucket, prefix, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, forcePathStyle: true });
  const m = (await loadModelPackage(await ensureTinyPackage(name), { verify: false })).manifest;
  const grid = m.image.size / m.image.downsample;
  let n = 0;
  return {
    async run(image, seed, rows) {
      const meta = await sharp(image).metadata();
      const jobId = `j_bench${String(n++).padStart(21, '0')}`;
      const key = storage.jobKeys('bench', jobId).input('png');
      await storage.put(key, image, { contentType: 'image/png' });
      const stored = { key, format: 'png' as const, bytes: image.byteLength, width: meta.width!, height: meta.height!, sha256: sha256Hex(image) };
      const data: JobData = { v: 1, jobId, tenant: 'bench', input: stored, params: params(seed), submittedAt: new Date().toISOString() };
      await store.createJob({ id: jobId, tenant: 'bench', params: data.params, input: stored, createdAt: data.submittedAt });
      const t0 = performance.now();
      let cancel: Promise<void> = Promise.resolve();
      if (rows) {
        // Partial: cancel the job once `rows` image rows are done, as a client would.
        const sub = redis.duplicate();
        cancel = new Promise<void>((resolve) => {
          sub.on('message', (_c: string, m: string) => {
            const e = JSON.parse(m) as { type: string; progress?: { phase: string; done: number } };
            if (e.type === 'progress' && e.progress?.phase === 'image' && e.progress.done >= rows * grid) {
              void store.requestCancel(jobId).then(() => (sub.disconnect(), resolve()));
            }
          });
        });
        await sub.subscribe(store.keys.eventsChannel(jobId));
      }
      const job = await queues.restore.add('restore', data, restoreJobOptions(jobId));
      await job.waitUntilFinished(events);
      await cancel;
      const enqueueToDoneS = (performance.now() - t0) / 1000;
      if (rows) {
        const gauge = (await worker.registry.getSingleMetric('pure_worker_tokens_per_second')?.get())?.values.find((v) => v.labels.phase === 'image');
        const ended = lines.find((l) => l.msg === 'job attempt ended' && l.jobId === jobId);
        return { restoreS: Number(ended?.seconds), tokensPerS: Number(gauge?.value) };
      }
      const ended = lines.find((l) => l.msg === 'job attempt ended' && l.jobId === jobId);
      const done = lines.find((l) => l.msg === 'job succeeded' && l.jobId === jobId);
      const manifest = JSON.parse((await storage.get(storage.jobKeys('bench', jobId).manifest)).toString('utf8')) as { timings: Record<string, number>; result: { stats: { textTokens: number; imageTokens: number } } };
      const restoreS = Number(done?.restore);
      return {
        restoreS,
        tokensPerS: (manifest.result.stats.textTokens + manifest.result.stats.imageTokens) / manifest.timings.generate,
        overheadMs: (Number(ended?.seconds) - restoreS) * 1000,
        enqueueToDoneS,
      };
    },
    async close() {
      await events.close();
      eventsConnection.disconnect();
      await worker.drain('bench done');
      await queues.close();
      redis.disconnect();
      storage.close();
    },
  };
}

/** Runs both paths on `name`, alternating job by job so machine load hits both alike; one warm-up each. */
async function measure(name: TinyName, jobs: number, warmup: boolean, rows: number | undefined, redisUrl: string, s3: Awaited<ReturnType<typeof startS3>>): Promise<Row[]> {
  const image = await input();
  const base = await directPath(name);
  const real = await workerPath(name, redisUrl, s3);
  const a: Sample[] = [];
  const b: Sample[] = [];
  try {
    if (warmup) {
      await base.run(image, 1000);
      await real.run(image, 1000);
    }
    for (let i = 0; i < jobs; i++) {
      a.push(await base.run(image, i + 1, rows));
      b.push(await real.run(image, i + 1, rows));
      // small takes minutes per job on a CPU: show that it is moving
      console.error(`${name} ${i + 1}/${jobs}: restore() ${a[i].restoreS.toFixed(2)} s direct, ${b[i].restoreS.toFixed(2)} s in the worker`);
    }
  } finally {
    await real.close();
    await base.close();
  }
  const med = (xs: Sample[], f: (s: Sample) => number) => median(xs.map(f));
  const label = rows ? ` (first ${rows} rows, then canceled)` : '';
  return [
    { model: name, path: `baseline: restore() in-process${label}`, jobs, restoreS: med(a, (s) => s.restoreS), tokensPerS: med(a, (s) => s.tokensPerS), overheadMs: null, enqueueToDoneS: null },
    {
      model: name,
      path: `worker: S3 + queue + thread${label}`,
      jobs,
      restoreS: med(b, (s) => s.restoreS),
      tokensPerS: med(b, (s) => s.tokensPerS),
      overheadMs: rows ? null : med(b, (s) => s.overheadMs!),
      enqueueToDoneS: rows ? null : med(b, (s) => s.enqueueToDoneS!),
    },
  ];
}

const f = (x: number | null, d: number) => (x === null ? '-' : x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));

export default async function (args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const t = args.indexOf('--threads');
  if (t >= 0) THREADS = Number(args[t + 1]);
  // small generates 256 text tokens and a 4,164-token image block per job, about 25 minutes a path on a 2-core
  // CPU; `--small-rows N` stops it after N image rows (tokens/s only) for a quicker look.
  const r = args.indexOf('--small-rows');
  const smallRows = r >= 0 ? Number(args[r + 1]) : undefined;
  if (smallRows !== undefined && !(Number.isInteger(smallRows) && smallRows >= 2)) throw new Error('--small-rows takes a whole number of rows, at least 2');
  const models: { name: TinyName; jobs: number; warmup: boolean; rows?: number }[] = [{ name: 'tiny', jobs: 8, warmup: true }];
  if (!quick) models.push({ name: 'small', jobs: 1, warmup: false, ...(smallRows ? { rows: smallRows } : {}) });
  const [redis, s3] = await Promise.all([startRedis({ appendonly: true }), startS3()]);
  const rows: Row[] = [];
  try {
    for (const m of models) rows.push(...(await measure(m.name, m.jobs, m.warmup, m.rows, redis.url, s3)));
  } finally {
    await Promise.all([redis.stop(), s3.stop()]);
  }
  console.log(`\nCPU, ${THREADS} intra-op thread(s); medians; tokens/s = generated tokens / generate phase (CFG on); on partial runs, image tokens/s over the last row (the worker's pure_worker_tokens_per_second); restore() s there = time until canceled.\n`);
  console.log('| model | path | jobs | restore() s | tokens/s inside restore() | overhead outside restore() ms | enqueue to done s |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.model} | ${r.path} | ${r.jobs} | ${f(r.restoreS, 3)} | ${f(r.tokensPerS, 1)} | ${f(r.overheadMs, 0)} | ${f(r.enqueueToDoneS, 3)} |`);
  const parts = models.map((m) => {
    const [base, w] = rows.filter((r) => r.model === m.name);
    const speed = `${f(w.tokensPerS, 1)} vs ${f(base.tokensPerS, 1)} tokens/s direct`;
    if (w.overheadMs === null) return `${m.name} ${speed} (first ${m.rows} rows)`;
    const pct = (100 * w.overheadMs) / 1000 / w.restoreS;
    return `${m.name} ${f(w.overheadMs, 0)} ms per job outside restore() (${f(pct, pct < 0.1 ? 3 : 1)}% of it), ${speed}`;
  });
  console.log(`\nheadline: worker overhead: ${parts.join('; ')}`);
}
