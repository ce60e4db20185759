import type { ErrorCode } from '../error-codes';

/** A failure that another attempt cannot fix (bad input, bad job data, cancel): fail the job now. */
export class NonRetryableError extends Error {
  override readonly name = 'NonRetryableError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
