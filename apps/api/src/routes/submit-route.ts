/** The shared body of both submit routes: read and check, then store and enqueue under idempotency. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdempotentAnswer } from '@pure/jobs/idempotency';
import { readSubmit } from '../submit/read-submit';
import { submitJobs } from '../submit/submit-jobs';
import { withIdempotency } from './idempotency';
import type { RouteDeps } from './route-deps';

/** Handles `POST /v1/jobs` (`batch` false) and `POST /v1/batches`. */
export async function handleSubmit(deps: RouteDeps, request: FastifyRequest, reply: FastifyReply, batch: boolean): Promise<void> {
  const started = performance.now();
  const kind = batch ? 'batch' : 'job';
  let read;
  try {
    read = await readSubmit(request, deps.read, batch);
  } catch (err) {
    deps.metrics.jobsSubmitted.inc({ outcome: 'rejected' });
    if (batch) deps.metrics.batchesSubmitted.inc({ outcome: 'rejected' });
    throw err;
  }
  const { answer, replayed } = await withIdempotency(request, reply, deps.idem, read.requestHash, async (): Promise<IdempotentAnswer> => {
    const { jobIds, batchId } = await submitJobs(deps, read.items, {
      tenant: request.tenant,
      webhook: read.webhook,
      batch: batch ? { metadata: read.metadata } : undefined,
    });
    const body = batchId ? await deps.views.batch(request.tenant, batchId) : await deps.views.job(request.tenant, jobIds[0]);
    return { statusCode: 202, body };
  });
  const outcome = replayed ? 'replayed' : 'accepted';
  deps.metrics.jobsSubmitted.inc({ outcome }, read.items.length);
  if (batch) deps.metrics.batchesSubmitted.inc({ outcome });
  deps.metrics.submitDuration.observe({ kind }, (performance.now() - started) / 1000);
  reply.status(answer.statusCode).send(answer.body);
}
