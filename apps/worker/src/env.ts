/** The worker's configuration: parsed once in main() from the environment; bad config fails naming the variable. */
import { z } from 'zod';
import { RESTORE_QUEUE } from '@pure/contracts/queues';
import { EXECUTION_PROVIDERS } from '@pure/model/session';
import { LOG_LEVELS } from '@pure/telemetry/logger';

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .default('0')
  .transform((v) => v === '1' || v === 'true');
const delays = (def: readonly number[]) =>
  z
    .string()
    .default(def.join(','))
    .transform((value, ctx) => {
      const list = value.split(',').map((s) => Number(s.trim()));
      if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 0)) {
        ctx.addIssue({ code: 'custom', message: 'expected comma-separated delays in ms, e.g. 5000,30000' });
        return z.NEVER;
      }
      return list;
    });

/** Every variable the worker reads. Knobs marked "tests" keep their catalog defaults in production. */
export const WorkerEnv = z
  .object({
    REDIS_URL: z.string().url().default('redis://127.0.0.1:6379/0'),
    /** BullMQ and our own keys live under this prefix; the api must use the same one. */
    PURE_REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).optional(),
    /** Alias of PURE_REDIS_PREFIX. */
    PURE_QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).optional(),
    S3_ENDPOINT: z.string().default(''),
    /** Endpoint in the presigned links of webhook payloads, when clients reach S3 by another address. */
    S3_PUBLIC_ENDPOINT: z.string().default(''),
    S3_REGION: z.string().default('us-east-1'),
    S3_BUCKET: z.string().min(1),
    S3_PREFIX: z.string().default(''),
    S3_ACCESS_KEY_ID: z.string().default(''),
    S3_SECRET_ACCESS_KEY: z.string().default(''),
    S3_FORCE_PATH_STYLE: flag,
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
    /** Presign lifetime of result links in webhook payloads, seconds. */
    PURE_PRESIGN_TTL_S: int(3600, 1),
    /** Seconds a checkpoint lives without being rewritten. */
    PURE_CHECKPOINT_TTL_S: int(24 * 3600, 1),
    /** tests: lock, stall and backoff timings (catalog values by default). */
    PURE_LOCK_DURATION_MS: int(RESTORE_QUEUE.lockDuration, 100),
    PURE_STALLED_INTERVAL_MS: int(RESTORE_QUEUE.stalledInterval, 100),
    PURE_MAX_STALLED_COUNT: int(RESTORE_QUEUE.maxStalledCount, 0),
    PURE_BACKOFF_MS: delays(RESTORE_QUEUE.backoffMs),
    /** tests: tries of one S3 call before the attempt fails (storage retries with backoff inside). */
    PURE_S3_ATTEMPTS: int(4, 1),
    /** tests: pause after each image row inside the inference thread, to make a tiny job last long enough to interrupt. */
    PURE_TEST_ROW_DELAY_MS: int(0),
  })
  .superRefine((env, ctx) => {
    if (env.PURE_REDIS_PREFIX && env.PURE_QUEUE_PREFIX && env.PURE_REDIS_PREFIX !== env.PURE_QUEUE_PREFIX) {
      ctx.addIssue({ code: 'custom', path: ['PURE_QUEUE_PREFIX'], message: 'differs from PURE_REDIS_PREFIX; set one of them' });
    }
    if ((env.S3_ACCESS_KEY_ID === '') !== (env.S3_SECRET_ACCESS_KEY === '')) {
      ctx.addIssue({ code: 'custom', path: ['S3_SECRET_ACCESS_KEY'], message: 'set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither' });
    }
  });
export type WorkerEnv = z.infer<typeof WorkerEnv>;

/** Thrown by loadEnv; `main` prints it and exits non-zero. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment; the error names every bad variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): WorkerEnv {
  const parsed = WorkerEnv.safeParse(source);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
}

/** The Redis key prefix the worker shares with the api. */
export function redisPrefix(env: Pick<WorkerEnv, 'PURE_REDIS_PREFIX' | 'PURE_QUEUE_PREFIX'>): string {
  return env.PURE_REDIS_PREFIX ?? env.PURE_QUEUE_PREFIX ?? 'pure';
}
