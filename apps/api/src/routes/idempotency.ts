/** Runs a submit under its `Idempotency-Key`: a replay answers as the first time, another body is 409. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdempotencyStore, IdempotentAnswer } from '@pure/jobs/idempotency';
import { ApiError } from '../http/api-error';

const KEY = /^[\x21-\x7e]{1,255}$/;

/** The request's Idempotency-Key, checked; undefined when absent. */
export function idempotencyKey(request: FastifyRequest): string | undefined {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !KEY.test(key)) throw new ApiError(400, 'invalid_request', 'Idempotency-Key must be 1-255 printable ASCII characters');
  return key;
}

/** Answers with `run()`'s result, or the stored answer of an earlier identical request. */
export async function withIdempotency(
  request: FastifyRequest,
  reply: FastifyReply,
  idem: IdempotencyStore,
  requestHash: string,
  run: () => Promise<IdempotentAnswer>,
): Promise<{ answer: IdempotentAnswer; replayed: boolean }> {
  const key = idempotencyKey(request);
  if (key === undefined) return { answer: await run(), replayed: false };
  const claim = await idem.claim(request.tenant, key, requestHash);
  if (claim.kind === 'replay') {
    reply.header('idempotent-replayed', 'true');
    return { answer: claim.answer, replayed: true };
  }
  if (claim.kind === 'conflict') {
    throw new ApiError(
      409,
      'idempotency_conflict',
      claim.reason === 'different_request'
        ? 'this Idempotency-Key was used with a different request'
        : 'a request with this Idempotency-Key is still in progress; retry later',
    );
  }
  try {
    const answer = await run();
    await idem.complete(request.tenant, key, requestHash, answer);
    return { answer, replayed: false };
  } catch (err) {
    await idem.release(request.tenant, key);
    throw err;
  }
}
