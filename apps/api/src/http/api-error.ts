/** An error answered to the client as `{error:{code,message}}` with `status`. Never retried by the client as is. */
import type { ErrorCode } from '@pure/contracts/error-codes';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
