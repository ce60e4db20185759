export { NonRetryableError } from './non-retryable-error';
export { RetryableError } from './retryable-error';
export { coerceError } from './coerce-error';
