/**
 * A checkpoint that cannot be imported: a missing or truncated file, a missing tensor, a wrong shape or
 * dtype. Not retryable: the same files fail the same way. The message names the file or tensor.
 */
export class ImportError extends Error {
  override readonly name = 'ImportError';
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
