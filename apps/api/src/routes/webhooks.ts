/** `GET /v1/webhooks/secret`: the tenant's signing secret. */
import type { FastifyInstance } from 'fastify';
import { bearer, errorResponses } from '../http/openapi-schema';
import type { RouteDeps } from './route-deps';

/** Registers the webhook secret route. */
export function webhookRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/v1/webhooks/secret', {
    schema: {
      tags: ['webhooks'],
      summary: "The tenant's Standard Webhooks signing secret (whsec_...)",
      security: bearer,
      response: { 200: { description: 'the secret', type: 'object', properties: { secret: { type: 'string' } }, required: ['secret'] }, ...errorResponses() },
    },
    handler: async (request) => ({ secret: await deps.secrets.get(request.tenant) }),
  });
}
