/** An error answer of the pure-serve REST api, or a failure to reach it. */

/** Thrown by PureClient; `retryable` says whether the same request may pass on another try. */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    /** HTTP status, or 0 when no answer came (connection refused, reset). */
    readonly status: number,
    /** The api's error code (`not_found`, `invalid_params`...), or `network`/`bad_response`. */
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Network failures, 429 and 5xx may pass later; other 4xx will not. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}
