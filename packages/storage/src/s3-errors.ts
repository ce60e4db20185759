/** Classifies S3 client failures (retry or not) and turns them into the contracts' error classes. */
import { NonRetryableError } from '@pure/contracts/errors/non-retryable-error';
import { RetryableError } from '@pure/contracts/errors/retryable-error';

interface SdkErrorShape {
  name?: string;
  code?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);
const RETRYABLE_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'InternalError',
  'ServiceUnavailable',
]);
const MISSING_NAMES = new Set(['NoSuchKey', 'NotFound']);

function shape(err: unknown): SdkErrorShape {
  return typeof err === 'object' && err !== null ? (err as SdkErrorShape) : {};
}

/** The HTTP status of a failed S3 call, when the server answered at all. */
export function httpStatusOf(err: unknown): number | undefined {
  const e = shape(err);
  return e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
}

/** True when the object (not the bucket) does not exist. */
export function isMissingObject(err: unknown): boolean {
  const e = shape(err);
  return MISSING_NAMES.has(e.name ?? '') || (httpStatusOf(err) === 404 && e.name !== 'NoSuchBucket');
}

/** True for failures another try may fix: 5xx, 429, 408, throttling, timeouts and network errors. */
export function isRetryableS3Error(err: unknown): boolean {
  const e = shape(err);
  const status = httpStatusOf(err);
  if (status !== undefined && (status >= 500 || status === 429 || status === 408)) return true;
  if (RETRYABLE_NAMES.has(e.name ?? '') || NETWORK_CODES.has(e.code ?? '')) return true;
  // The SDK's own hint; socket errors without a status also end up here with a code set above.
  return status === undefined && e.$retryable !== undefined;
}

/**
 * The error a caller sees after retries: a missing object is `input_missing`, another 4xx is a non-retryable
 * `storage_error`, and anything transient a retryable `storage_error`; the S3 error stays as `cause`.
 */
export function toStorageError(err: unknown, operation: string, key: string): Error {
  if (err instanceof RetryableError || err instanceof NonRetryableError) return err;
  const e = shape(err);
  const status = httpStatusOf(err);
  const detail = `${e.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}${e.code ? ` ${e.code}` : ''}`;
  const message = `S3 ${operation} ${key}: ${detail}`;
  if (isMissingObject(err)) return new NonRetryableError('input_missing', `${message}: no such object`, { cause: err });
  if (isRetryableS3Error(err)) return new RetryableError('storage_error', message, { cause: err });
  if (status !== undefined && status >= 400) return new NonRetryableError('storage_error', message, { cause: err });
  // Something neither S3 nor the network said (a bug, a local disk error): let the job try again.
  return new RetryableError('storage_error', message, { cause: err });
}
