/** A mistake in the command line (unknown flag, missing argument, bad value): not retryable, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
