/** A fetch that failed (network, timeout, status, size); `retryable` says whether another try may pass. */
export class FetchFailedError extends Error {
  override readonly name = 'FetchFailedError';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
