/**
 * The configuration both apps read the same way: Redis, S3 and the parsing helpers. Each app's `env.ts`
 * spreads `SharedEnv` into its own schema, so a variable means one thing everywhere.
 */
import { z } from 'zod';

/** An integer variable with a default and a lower bound. */
export const envInt = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

/** `1`/`true` or `0`/`false`/empty. */
export const envFlag = z
  .enum(['0', '1', 'true', 'false', ''])
  .default('0')
  .transform((v) => v === '1' || v === 'true');

/** Comma-separated delays in ms, e.g. `5000,30000`. */
export const envDelays = (def: readonly number[]) =>
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

/** Variables of the api and the worker alike. */
export const SharedEnv = {
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379/0'),
  /** BullMQ's keys and ours live under this prefix; api and workers must agree on it. */
  PURE_REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('pure'),
  S3_ENDPOINT: z.string().default(''),
  /** Endpoint written into presigned links, when clients reach the store by another address. */
  S3_PUBLIC_ENDPOINT: z.string().default(''),
  S3_REGION: z.string().default('us-east-1'),
  S3_BUCKET: z.string().min(1),
  S3_PREFIX: z.string().default(''),
  S3_ACCESS_KEY_ID: z.string().default(''),
  S3_SECRET_ACCESS_KEY: z.string().default(''),
  S3_FORCE_PATH_STYLE: envFlag,
  /** Lifetime of presigned result links, seconds. */
  PURE_PRESIGN_TTL_S: envInt(3600, 1),
};
export type SharedEnv = z.infer<z.ZodObject<typeof SharedEnv>>;

/** Cross-field rules of the shared variables; call from the app schema's superRefine. */
export function checkSharedEnv(env: Pick<SharedEnv, 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY'>, ctx: z.RefinementCtx): void {
  if ((env.S3_ACCESS_KEY_ID === '') !== (env.S3_SECRET_ACCESS_KEY === '')) {
    ctx.addIssue({ code: 'custom', path: ['S3_SECRET_ACCESS_KEY'], message: 'set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither' });
  }
}

/** Thrown by `parseEnv`; an app's main prints it and exits non-zero. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses an environment; the error names every bad variable. */
export function parseEnv<S extends z.ZodType>(schema: S, source: Record<string, string | undefined>): z.infer<S> {
  const parsed = schema.safeParse(source);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
}

/** For an app's main: the parsed env, or the message on stderr and exit code 2. */
export function loadEnvOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
}
