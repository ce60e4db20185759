/**
 * The one error handler: known errors become `{error:{code,message}}` with their status; anything else is
 * logged with its cause and answered as a plain 500 without details.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { NonRetryableError } from '@pure/contracts/errors/non-retryable-error';
import { RetryableError } from '@pure/contracts/errors/retryable-error';
import type { ErrorCode } from '@pure/contracts/error-codes';
import { ApiError } from './api-error';
import { isParamsIssue, zodMessage } from './zod-message';
import { UrlNotAllowedError } from '../net/url-not-allowed-error';
import { FetchFailedError } from '../net/fetch-failed-error';

interface Answer {
  status: number;
  code: ErrorCode;
  message: string;
}

const FASTIFY_CODES: Record<string, Omit<Answer, 'message'>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large' },
  FST_REQ_FILE_TOO_LARGE: { status: 413, code: 'image_too_large' },
  FST_FILES_LIMIT: { status: 413, code: 'batch_too_large' },
  FST_PARTS_LIMIT: { status: 413, code: 'batch_too_large' },
  FST_FIELDS_LIMIT: { status: 413, code: 'payload_too_large' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { status: 415, code: 'invalid_request' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'invalid_request' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_request' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_request' },
};

/** Maps a known error to its answer; null for anything unexpected. */
export function knownError(err: unknown): Answer | null {
  if (err instanceof ApiError) return { status: err.status, code: err.code, message: err.message };
  if (err instanceof ZodError) return { status: 400, code: isParamsIssue(err) ? 'invalid_params' : 'invalid_request', message: zodMessage(err) };
  if (err instanceof UrlNotAllowedError) return { status: 400, code: 'url_not_allowed', message: err.message };
  if (err instanceof FetchFailedError) return { status: 422, code: 'input_fetch_failed', message: err.message };
  if (err instanceof NonRetryableError && err.code === 'input_missing') return { status: 422, code: 'input_missing', message: 'the input object does not exist' };
  // Storage failures are ours, not the client's: 503, retry later (the cause is logged).
  if ((err instanceof RetryableError || err instanceof NonRetryableError) && err.code === 'storage_error') {
    return { status: 503, code: 'storage_error', message: 'storage is unavailable; retry later' };
  }
  const fe = err as Partial<FastifyError>;
  if (typeof fe.code === 'string' && FASTIFY_CODES[fe.code]) return { ...FASTIFY_CODES[fe.code], message: fe.message ?? fe.code };
  if (err instanceof SyntaxError && fe.statusCode === 400) return { status: 400, code: 'invalid_request', message: `body is not valid JSON: ${err.message}` };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) return { status: fe.statusCode, code: 'invalid_request', message: fe.message ?? 'bad request' };
  return null;
}

/** Installs the error and not-found handlers on `app`. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const answer = knownError(err);
    if (answer) {
      if (answer.status >= 500) request.log.warn({ err }, answer.message);
      return reply.status(answer.status).send({ error: { code: answer.code, message: answer.message } });
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'internal', message: 'internal error' } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } }),
  );
}
