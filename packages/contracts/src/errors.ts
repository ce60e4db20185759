/** The error classes every side uses to say whether a failure is worth another try. */
export { NonRetryableError } from './errors/non-retryable-error';
export { RetryableError } from './errors/retryable-error';
export { coerceError } from './errors/coerce-error';
