/** `/v1/batches`: submit many images, read a batch, cancel every job in it. */
import type { FastifyInstance } from 'fastify';
import { BatchView, CreateBatchRequest } from '@pure/contracts/job';
import { bearer, errorResponses, idParam, oas, submitBody } from '../http/openapi-schema';
import type { RouteDeps } from './route-deps';
import { handleSubmit } from './submit-route';
import { cancelAndPublish } from './cancel-and-publish';

const batchView = oas(BatchView);

/** Registers the batch routes. */
export function batchRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.post('/v1/batches', {
    schema: {
      tags: ['batches'],
      summary: 'Submit many images',
      description: `JSON \`items\`, or multipart/form-data with repeated \`image\` parts plus optional \`params\`, \`webhook_url\` and \`metadata\` fields; at most ${deps.env.PURE_MAX_BATCH_ITEMS} items. Every item is checked before anything is stored. Honours \`Idempotency-Key\`.`,
      body: submitBody(CreateBatchRequest, true),
      security: bearer,
      response: { 202: { description: 'the queued batch with its job ids', ...batchView }, ...errorResponses(400, 409, 413, 415, 422) },
    },
    handler: (request, reply) => handleSubmit(deps, request, reply, true),
  });

  app.get<{ Params: { id: string } }>('/v1/batches/:id', {
    schema: { tags: ['batches'], summary: 'Read a batch', params: idParam('batch'), security: bearer, response: { 200: { description: 'the batch', ...batchView }, ...errorResponses(404) } },
    handler: (request) => deps.views.batch(request.tenant, request.params.id),
  });

  app.post<{ Params: { id: string } }>('/v1/batches/:id/cancel', {
    schema: {
      tags: ['batches'],
      summary: 'Cancel every unfinished job of a batch',
      params: idParam('batch'),
      security: bearer,
      response: { 202: { description: 'the batch after the cancel', ...batchView }, ...errorResponses(404) },
    },
    handler: async (request, reply) => {
      const view = await deps.views.batch(request.tenant, request.params.id);
      for (const job of view.jobs.filter((j) => j.status === 'queued' || j.status === 'running')) {
        await cancelAndPublish(deps, job.id);
      }
      reply.status(202);
      return deps.views.batch(request.tenant, request.params.id);
    },
  });
}
