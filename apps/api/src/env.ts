/** The api's configuration: parsed once in main() from the environment; bad config exits naming the variable. */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { LOG_LEVELS } from '@pure/telemetry/logger';
import { WEBHOOK_RETRY_SCHEDULE_MS, WEBHOOK_TIMEOUT_MS } from '@pure/contracts/queues';
import { ConfigError, SharedEnv, checkSharedEnv, envDelays, envFlag, envInt, parseEnv } from '@pure/contracts/app-env';

export { ConfigError };

const TENANT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const int = envInt;
const flag = envFlag;

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

const schedule = envDelays(WEBHOOK_RETRY_SCHEDULE_MS);

/** Every variable the api reads. */
export const ApiEnv = z
  .object({
    ...SharedEnv,
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
  })
  .superRefine((env, ctx) => {
    if (env.PURE_MAX_BODY_BYTES < env.PURE_MAX_INPUT_BYTES) {
      ctx.addIssue({ code: 'custom', path: ['PURE_MAX_BODY_BYTES'], message: 'must be >= PURE_MAX_INPUT_BYTES' });
    }
    checkSharedEnv(env, ctx);
  });
export type ApiEnv = z.infer<typeof ApiEnv>;

/** Parses the environment; the error names every bad variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): ApiEnv {
  return parseEnv(ApiEnv, source);
}
