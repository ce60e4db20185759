/**
 * `startWorker(config)`: wires the worker together (Redis, S3, the inference thread, the BullMQ consumer,
 * the ops HTTP port) and runs its lifecycle. Runs in-process (tests, bench) or from main.ts.
 */
import { Redis } from 'ioredis';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { RESTORE_QUEUE } from '@pure/contracts/queues';
import { JobStore } from '@pure/jobs/job-store';
import { createJobQueues } from '@pure/jobs/queues';
import { createStorage } from '@pure/storage/storage';
import { storageConfigFromEnv } from '@pure/storage/storage-env';
import { createLogger, type Logger } from '@pure/telemetry/logger';
import { StorageMetrics } from '@pure/telemetry/storage-metrics';
import { WorkerMetrics } from '@pure/telemetry/worker-metrics';
import type { WorkerEnv } from './env';
import { startOpsServer } from './http/ops-server';
import { InferenceClient } from './inference/inference-client';
import type { ModelInfo } from './inference/protocol';
import { PIPELINE_RESTORER } from './inference/restorer';
import { ActiveJobs } from './job/active-jobs';
import type { JobDeps } from './job/job-deps';
import { createRestoreWorker } from './job/restore-worker';
import { Lifecycle, type WorkerState } from './lifecycle';
import { WorkerAppMetrics } from './metrics';
import { modelLabel } from './model-label';

export interface WorkerConfig {
  env: WorkerEnv;
  logger?: Logger;
  /** Module exporting `createRestorer`; default `@pure/pipeline/restore`. */
  restorerModule?: string;
}

export interface RunningWorker {
  readonly lifecycle: Lifecycle;
  readonly state: WorkerState;
  /** The bound port of /metrics, /healthz, /readyz, /drain. */
  readonly opsPort: number;
  readonly registry: Registry;
  /** Resolves true once the model loaded and jobs are taken, false when it failed to load. */
  readonly ready: Promise<boolean>;
  /** Stops taking jobs; the running one finishes within the grace period or is handed back. Resolves when stopped. */
  drain(reason: string): Promise<void>;
  /** Resolves once stopped (after a drain from any source: signal, POST /drain, a dead inference thread). */
  readonly stopped: Promise<void>;
}

/** Starts a worker; resolves once its ops port listens (the model keeps loading in the background). */
export async function startWorker(config: WorkerConfig): Promise<RunningWorker> {
  const env = config.env;
  const logger = config.logger ?? createLogger({ name: 'worker', level: env.LOG_LEVEL });
  const prefix = env.PURE_REDIS_PREFIX;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = new WorkerMetrics({ register: registry, model: modelLabel(env.PURE_MODEL) });
  const storageMetrics = new StorageMetrics({ register: registry });
  const appMetrics = new WorkerAppMetrics(registry);
  const lifecycle = new Lifecycle();
  lifecycle.on('change', (to: WorkerState, from: WorkerState) => {
    appMetrics.setState(to);
    logger.info({ from, to }, 'worker state');
  });

  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const subscriber = redis.duplicate();
  subscriber.on('error', (err) => logger.warn({ err: err.message }, 'redis subscriber error'));
  const store = new JobStore(redis, prefix, { checkpointTtlS: env.PURE_CHECKPOINT_TTL_S });
  const queues = createJobQueues({ connection: redis, prefix });
  const storage = createStorage(storageConfigFromEnv(env, { attempts: env.PURE_S3_ATTEMPTS, onRetry: storageMetrics.onRetry }));
  const inference = new InferenceClient({
    model: env.PURE_MODEL,
    modelCacheDir: env.PURE_MODEL_CACHE,
    ep: env.PURE_EP,
    threads: env.PURE_THREADS,
    restorerModule: config.restorerModule ?? PIPELINE_RESTORER,
    storage: { endpoint: env.S3_ENDPOINT, region: env.S3_REGION, accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY, forcePathStyle: env.S3_FORCE_PATH_STYLE },
    rowDelayMs: env.PURE_TEST_ROW_DELAY_MS,
  });

  let model: ModelInfo | null = null;
  let modelError: string | null = null;
  const active = new ActiveJobs();
  const deps: JobDeps = {
    store,
    queues,
    storage,
    inference,
    model: () => {
      if (!model) throw new Error('no model loaded');
      return model;
    },
    metrics,
    appMetrics,
    logger,
    active,
    attempts: RESTORE_QUEUE.attempts,
    presignTtlS: env.PURE_PRESIGN_TTL_S,
  };
  const worker = createRestoreWorker(deps, { connection: redis, prefix, env });
  await subscriber.subscribe(store.keys.cancelChannel);
  subscriber.on('message', (_channel: string, jobId: string) => {
    const job = active.get(jobId);
    if (!job) return;
    logger.info({ jobId }, 'cancel requested');
    job.stop('canceled');
  });

  let draining: Promise<void> | null = null;
  const drain = (reason: string): Promise<void> => {
    if (draining) return draining;
    lifecycle.to('draining');
    draining = (async () => {
      logger.info({ reason, graceMs: env.PURE_DRAIN_GRACE_MS, running: active.size }, 'draining: taking no more jobs');
      const timer = setTimeout(() => {
        if (active.size === 0) return;
        logger.warn({ running: active.size }, 'grace period over: checkpointing and handing jobs back');
        active.stopAll('drain');
      }, env.PURE_DRAIN_GRACE_MS);
      await worker.close(); // waits for the running job: finished, or handed back once the timer fires
      clearTimeout(timer);
      await inference.shutdown();
      await subscriber.quit().catch(() => undefined);
      await queues.close();
      await redis.quit().catch(() => undefined);
      storage.close();
      await ops.close();
      lifecycle.to('stopped');
    })();
    return draining;
  };

  const ops = await startOpsServer({
    port: env.METRICS_PORT,
    host: env.METRICS_HOST,
    registry,
    health: () => ({ state: lifecycle.state }),
    readiness: () => ({
      ready: lifecycle.state === 'running' && model !== null,
      state: lifecycle.state,
      model: model?.name ?? null,
      ...(modelError ? { error: modelError } : {}),
    }),
    drain: () => void drain('POST /drain'),
  });
  logger.info({ port: ops.port }, 'ops server listening');

  inference.on('exit', (code: number) => {
    logger.fatal({ code }, 'inference thread died: draining and exiting');
    metrics.modelUnloaded();
    model = null;
    process.exitCode = 1;
    void drain('inference thread died');
  });
  const ready = inference.ready.then(
    (m) => {
      model = m;
      metrics.modelLoaded(m.loadSeconds);
      logger.info({ model: m.name, sha256: m.sha256, seconds: m.loadSeconds, ep: env.PURE_EP }, 'model loaded');
      if (!lifecycle.to('running')) return false;
      void worker.run().catch((err: unknown) => logger.error({ err }, 'queue worker stopped with an error'));
      return true;
    },
    (err: unknown) => {
      modelError = err instanceof Error ? err.message : String(err);
      metrics.modelUnloaded();
      logger.error({ err: modelError }, 'model failed to load: not ready, taking no jobs');
      return false;
    },
  );

  return {
    lifecycle,
    get state() {
      return lifecycle.state;
    },
    opsPort: ops.port,
    registry,
    ready,
    drain,
    stopped: lifecycle.reached('stopped'),
  };
}
