/** Retries transient S3 failures with capped, jittered exponential backoff. */
import { setTimeout as sleep } from 'node:timers/promises';
import { isRetryableS3Error } from './s3-errors';

export interface RetryOptions {
  /** Tries in all, the first included; default 4. */
  attempts?: number;
  /** Cap of the first backoff; it doubles each retry. Default 200 ms. */
  baseDelayMs?: number;
  /** Largest backoff; default 5000 ms. */
  maxDelayMs?: number;
  /** Called before each retry, e.g. to log or count it. */
  onRetry?: (info: { operation: string; key: string; attempt: number; delayMs: number; error: unknown }) => void;
}

/** The delay before retry `attempt` (1-based): uniform in [cap/2, cap], cap = min(max, base * 2^(attempt-1)). */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number): number {
  const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  // Half jitter: spreads workers that failed together without ever retrying at once.
  return cap / 2 + Math.random() * (cap / 2);
}

/** Runs `fn` until it succeeds, fails with a non-retryable error, or runs out of attempts (throws the last error). */
export async function withRetry<T>(
  operation: string,
  key: string,
  options: RetryOptions,
  fn: (attempt: number) => Promise<T>,
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 4);
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 5000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= attempts || !isRetryableS3Error(error)) throw error;
      const delayMs = backoffDelay(attempt, base, max);
      options.onRetry?.({ operation, key, attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}
