/** `/v1/jobs`: submit one image, read a job, cancel it, list its webhook deliveries. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CreateJobRequest, JobView, isFinal } from '@pure/contracts/job';
import { ApiError } from '../http/api-error';
import { bearer, errorResponses, idParam, oas, submitBody } from '../http/openapi-schema';
import { DeliveryAttempt } from '../webhooks/delivery-log';
import type { RouteDeps } from './route-deps';
import { handleSubmit } from './submit-route';
import { cancelAndPublish } from './cancel-and-publish';

const jobView = oas(JobView);
const deliveries = oas(z.object({ object: z.literal('list'), data: z.array(DeliveryAttempt) }));

/** Registers the job routes. */
export function jobRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.post('/v1/jobs', {
    schema: {
      tags: ['jobs'],
      summary: 'Submit one image',
      description: 'JSON body, or multipart/form-data with an `image` file and optional `params` (JSON), `webhook_url` and `metadata` (JSON) fields. Honours `Idempotency-Key`.',
      body: submitBody(CreateJobRequest, false),
      security: bearer,
      response: { 202: { description: 'the queued job', ...jobView }, ...errorResponses(400, 409, 413, 415, 422) },
    },
    handler: (request, reply) => handleSubmit(deps, request, reply, false),
  });

  app.get<{ Params: { id: string } }>('/v1/jobs/:id', {
    schema: { tags: ['jobs'], summary: 'Read a job', params: idParam('job'), security: bearer, response: { 200: { description: 'the job', ...jobView }, ...errorResponses(404) } },
    handler: (request) => deps.views.job(request.tenant, request.params.id),
  });

  app.post<{ Params: { id: string } }>('/v1/jobs/:id/cancel', {
    schema: {
      tags: ['jobs'],
      summary: 'Cancel a job',
      description: 'A queued job is canceled at once (200); a running one stops at its next image row (202).',
      params: idParam('job'),
      security: bearer,
      response: { 200: { description: 'canceled', ...jobView }, 202: { description: 'cancel requested', ...jobView }, ...errorResponses(404, 409) },
    },
    handler: async (request, reply) => {
      const { id } = request.params;
      const before = await deps.views.job(request.tenant, id); // 404 unless this tenant's (Redis or manifest)
      if (isFinal(before.status)) throw new ApiError(409, 'not_cancelable', `job ${id} has already finished (${before.status})`);
      const outcome = await cancelAndPublish(deps, id);
      if (outcome.kind === 'final') throw new ApiError(409, 'not_cancelable', `job ${id} has already finished`);
      if (outcome.kind === 'missing') throw new ApiError(404, 'not_found', `no job ${id}`);
      reply.status(outcome.kind === 'canceled' ? 200 : 202);
      return deps.views.job(request.tenant, id);
    },
  });

  app.get<{ Params: { id: string } }>('/v1/jobs/:id/deliveries', {
    schema: { tags: ['webhooks'], summary: "Webhook delivery attempts about a job", params: idParam('job'), security: bearer, response: { 200: { description: 'attempts, oldest first', ...deliveries }, ...errorResponses(404) } },
    handler: async (request) => {
      await deps.views.job(request.tenant, request.params.id); // 404 unless this tenant's
      return { object: 'list', data: await deps.deliveries.list(request.params.id) };
    },
  });
}
