/** Machine-readable error codes, shared by api responses, job views and webhook payloads. */
import { z } from 'zod';

export const ErrorCode = z.enum([
  // request and input problems (4xx, nothing stored or enqueued)
  'invalid_request',
  'invalid_params',
  'unauthorized',
  'not_found',
  'idempotency_conflict',
  'payload_too_large',
  'batch_too_large',
  'empty_input',
  'unsupported_format',
  'image_too_large',
  'too_many_pixels',
  'corrupt_image',
  'url_not_allowed',
  'input_fetch_failed',
  'not_cancelable',
  // job outcomes
  'input_unreadable',
  'input_missing',
  'invalid_job_data',
  'model_error',
  'storage_error',
  'canceled',
  'attempts_exhausted',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** The body of every 4xx/5xx answer and the `error` of a failed job. */
export const ErrorBody = z.object({ code: ErrorCode, message: z.string() });
export type ErrorBody = z.infer<typeof ErrorBody>;

export const ErrorResponse = z.object({ error: ErrorBody });
export type ErrorResponse = z.infer<typeof ErrorResponse>;
