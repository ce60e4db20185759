import type { ErrorCode } from '../error-codes';

/** A failure that may pass on another try (S3 5xx, a network blip, a lost device): retry with backoff. */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
