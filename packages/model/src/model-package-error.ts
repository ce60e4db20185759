/**
 * A model package that cannot be used as it is: unknown format version, missing file, checksum mismatch,
 * dims that disagree with the graphs. Never retryable: another attempt reads the same bytes.
 */
export class ModelPackageError extends Error {
  override readonly name = 'ModelPackageError';
  /** Retrying cannot help; fix or rebuild the package. */
  readonly retryable = false as const;
  constructor(
    /** The package location (folder or s3:// prefix) the problem was found in. */
    readonly location: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`model package ${location}: ${message}`, options);
  }
}
