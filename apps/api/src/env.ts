/** The api's configuration: parsed once in main() from the environment; bad config exits naming the variable. */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { LOG_LEVELS } from '@pure/telemetry/logger';
import { WEBHOOK_RETRY_SCHEDULE_MS, WEBHOOK_TIMEOUT_MS } from '@pure/contracts/queues';

const TENANT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .default('0')
  .transform((v) => v === '1' || v === 'true');

/** One API key: the tenant and the sha256 of the key (plain keys are hashed at parse time). */
export interface ApiKey {
  tenant: string;
  sha256: Buffer;
}

/** Parses `tenant:key,...` or `tenant:sha256:<hex>` entries. */
export function parseApiKeys(value: string, ctx: z.RefinementCtx): ApiKey[] {
  const keys: ApiKey[] = [];
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    const i = entry.indexOf(':');
    const tenant = entry.slice(0, i);
    const secret = entry.slice(i + 1);
    if (i < 1 || !TENANT.test(tenant) || secret === '') {
      ctx.addIssue({ code: 'custom', message: `entry "${tenant || entry.slice(0, 8)}...": expected tenant:key or tenant:sha256:<hex>` });
      return z.NEVER;
    }
    const hashed = /^sha256:([0-9a-fA-F]{64})$/.exec(secret);
    keys.push({ tenant, sha256: hashed ? Buffer.from(hashed[1], 'hex') : sha256(secret) });
  }
  return keys;
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

const tenantSecrets = z.string().default('').transform((value, ctx) => {
  const out = new Map<string, string>();
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    const i = entry.indexOf(':');
    const tenant = entry.slice(0, i);
    const secret = entry.slice(i + 1);
    if (i < 1 || !TENANT.test(tenant) || !/^whsec_[A-Za-z0-9+/=]{16,}$/.test(secret)) {
      ctx.addIssue({ code: 'custom', message: `entry for "${tenant}": expected tenant:whsec_<base64>` });
      return z.NEVER;
    }
    out.set(tenant, secret);
  }
  return out;
});

const schedule = z
  .string()
  .default(WEBHOOK_RETRY_SCHEDULE_MS.join(','))
  .transform((value, ctx) => {
    const list = value.split(',').map((s) => Number(s.trim()));
    if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 0)) {
      ctx.addIssue({ code: 'custom', message: 'expected comma-separated delays in ms, e.g. 5000,300000' });
      return z.NEVER;
    }
    return list;
  });

/** Every variable the api reads. */
export const ApiEnv = z
  .object({
    REDIS_URL: z.string().url().default('redis://127.0.0.1:6379/0'),
    /** BullMQ and our own keys live under this prefix. */
    PURE_REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('pure'),
    S3_ENDPOINT: z.string().default(''),
    S3_PUBLIC_ENDPOINT: z.string().default(''),
    S3_REGION: z.string().default('us-east-1'),
    S3_BUCKET: z.string().min(1),
    S3_PREFIX: z.string().default(''),
    S3_ACCESS_KEY_ID: z.string().default(''),
    S3_SECRET_ACCESS_KEY: z.string().default(''),
    S3_FORCE_PATH_STYLE: flag,
    PURE_API_KEYS: z.string().min(1, 'set at least one tenant:key').transform(parseApiKeys),
    PURE_WEBHOOK_SECRETS: tenantSecrets,
    PURE_ALLOW_PRIVATE_URLS: flag,
    PORT: int(8080),
    HOST: z.string().default('0.0.0.0'),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    PURE_MAX_INPUT_BYTES: int(20 * 1024 * 1024, 1),
    PURE_MAX_INPUT_PIXELS: int(4096 * 4096, 1),
    PURE_MAX_BATCH_ITEMS: int(1000, 1),
    /** Largest request body (a JSON batch of base64 images is about 4/3 of its bytes). */
    PURE_MAX_BODY_BYTES: int(256 * 1024 * 1024, 1024),
    PURE_URL_FETCH_TIMEOUT_MS: int(10_000, 1),
    /** Delays before webhook retries, ms; tests shorten it. */
    PURE_WEBHOOK_RETRY_SCHEDULE: schedule,
    /** Per-attempt webhook timeout; the catalog's 15 s unless a test shortens it. */
    PURE_WEBHOOK_TIMEOUT_MS: int(WEBHOOK_TIMEOUT_MS, 1),
    /** `in-process` runs the webhook dispatcher inside the api; `off` leaves it to `dispatcher-main.ts`. */
    PURE_DISPATCHER: z.enum(['in-process', 'off']).default('in-process'),
    /** Allowed buckets for `{input: {s3: "s3://bucket/key"}}`; the api's own bucket is always allowed. */
    PURE_INPUT_BUCKETS: z.string().default('').transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
    /** Lifetime of presigned result links, seconds. */
    PURE_PRESIGN_TTL_S: int(3600, 1),
  })
  .superRefine((env, ctx) => {
    if (env.PURE_MAX_BODY_BYTES < env.PURE_MAX_INPUT_BYTES) {
      ctx.addIssue({ code: 'custom', path: ['PURE_MAX_BODY_BYTES'], message: 'must be >= PURE_MAX_INPUT_BYTES' });
    }
    if ((env.S3_ACCESS_KEY_ID === '') !== (env.S3_SECRET_ACCESS_KEY === '')) {
      ctx.addIssue({ code: 'custom', path: ['S3_SECRET_ACCESS_KEY'], message: 'set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither' });
    }
  });
export type ApiEnv = z.infer<typeof ApiEnv>;

/** Thrown by loadEnv; `main` prints it and exits non-zero. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment; the error names every bad variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): ApiEnv {
  const parsed = ApiEnv.safeParse(source);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
}
