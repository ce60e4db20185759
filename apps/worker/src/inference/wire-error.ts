/** Errors across the thread boundary: flattened to data on one side, rebuilt as the contracts' classes on the other. */
import { coerceError } from '@pure/contracts/errors/coerce-error';
import { NonRetryableError } from '@pure/contracts/errors/non-retryable-error';
import { RetryableError } from '@pure/contracts/errors/retryable-error';
import type { ErrorCode } from '@pure/contracts/error-codes';
import { AbortedRunError } from './aborted-run-error';
import type { WireError } from './protocol';

/** Flattens anything thrown. Unknown failures (an ORT runtime error, a lost device) count as retryable. */
export function toWireError(value: unknown): WireError {
  const err = coerceError(value);
  const code = (err as { code?: unknown }).code;
  const known = typeof code === 'string' ? (code as ErrorCode) : undefined;
  if (err.name === 'AbortError') return { name: err.name, message: err.message, retryable: true, aborted: true };
  if (err instanceof NonRetryableError) return { name: err.name, message: err.message, code: err.code, retryable: false, aborted: false };
  if (err instanceof RetryableError) return { name: err.name, message: err.message, code: err.code, retryable: true, aborted: false };
  if ((err as { retryable?: unknown }).retryable === false) return { name: err.name, message: err.message, code: 'model_error', retryable: false, aborted: false };
  return { name: err.name, message: err.message, code: known ?? 'internal', retryable: true, aborted: false };
}

/** Rebuilds the error on the main thread. */
export function fromWireError(e: WireError): Error {
  if (e.aborted) return new AbortedRunError(e.message);
  if (!e.retryable) return new NonRetryableError(e.code ?? 'internal', e.message);
  return new RetryableError(e.code ?? 'internal', e.message);
}
