/** The worker's configuration: parsed once in main() from the environment; bad config fails naming the variable. */
import { z } from 'zod';
import { ConfigError, SharedEnv, checkSharedEnv, envDelays, envInt, parseEnv } from '@pure/contracts/app-env';
import { RESTORE_QUEUE } from '@pure/contracts/queues';
import { EXECUTION_PROVIDERS } from '@pure/model/session';
import { LOG_LEVELS } from '@pure/telemetry/logger';

const int = envInt;

/** Every variable the worker reads. Knobs marked "tests" keep their catalog defaults in production. */
export const WorkerEnv = z
  .object({
    ...SharedEnv,
    /** A package folder, an `s3://bucket/prefix`, or a tiny package name built on first use. */
    PURE_MODEL: z.string().min(1).default('tiny'),
    /** Local cache of `s3://` packages; default `<tmpdir>/pure-models`. */
    PURE_MODEL_CACHE: z.string().default(''),
    PURE_EP: z
      .string()
      .default('cpu')
      .transform((v) => v.trim().toLowerCase())
      .pipe(z.enum(EXECUTION_PROVIDERS, { error: (i) => `unknown execution provider ${JSON.stringify(i.input)}: valid values are ${EXECUTION_PROVIDERS.join(', ')}` })),
    /** Intra-op threads of the ORT sessions; 0 lets ORT choose. */
    PURE_THREADS: int(0),
    METRICS_PORT: int(9464),
    METRICS_HOST: z.string().default('0.0.0.0'),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    /** Jobs at once; 1 per GPU (a second would share the device and the inference thread). */
    PURE_CONCURRENCY: int(1, 1),
    /** On SIGTERM, how long the running job may take to finish before it is checkpointed and handed back. */
    PURE_DRAIN_GRACE_MS: int(25_000),
    /** Seconds a checkpoint lives without being rewritten. */
    PURE_CHECKPOINT_TTL_S: int(24 * 3600, 1),
    /** tests: lock, stall and backoff timings (catalog values by default). */
    PURE_LOCK_DURATION_MS: int(RESTORE_QUEUE.lockDuration, 100),
    PURE_STALLED_INTERVAL_MS: int(RESTORE_QUEUE.stalledInterval, 100),
    PURE_MAX_STALLED_COUNT: int(RESTORE_QUEUE.maxStalledCount, 0),
    PURE_BACKOFF_MS: envDelays(RESTORE_QUEUE.backoffMs),
    /** tests: tries of one S3 call before the attempt fails (storage retries with backoff inside). */
    PURE_S3_ATTEMPTS: int(4, 1),
    /** tests: pause after each image row inside the inference thread, to make a tiny job last long enough to interrupt. */
    PURE_TEST_ROW_DELAY_MS: int(0),
  })
  .superRefine(checkSharedEnv);
export type WorkerEnv = z.infer<typeof WorkerEnv>;

export { ConfigError };

/** Parses the environment; the error names every bad variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): WorkerEnv {
  return parseEnv(WorkerEnv, source);
}
