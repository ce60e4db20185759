/**
 * `buildApp(services)`: the Fastify app with every route of the v1 contract, the OpenAPI document and docs.
 * Request bodies are validated by zod in the handlers (so every refusal has our error shape); the JSON
 * schemas given to Fastify only feed the OpenAPI document.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Services } from './services';
import { installErrorHandler } from './http/error-handler';
import { authenticate } from './http/auth';
import { readDeps, type RouteDeps } from './routes/route-deps';
import { jobRoutes } from './routes/jobs';
import { batchRoutes } from './routes/batches';
import { eventRoutes } from './routes/events';
import { webhookRoutes } from './routes/webhooks';
import { opsRoutes } from './routes/ops';

/** The app, ready to `listen` (or `inject`). */
export async function buildApp(s: Services): Promise<FastifyInstance> {
  const env = s.env;
  const logger: FastifyBaseLogger = s.logger;
  const app = Fastify({ loggerInstance: logger, bodyLimit: env.PURE_MAX_BODY_BYTES });
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => (typeof data === 'string' ? data : JSON.stringify(data)));
  installErrorHandler(app);
  app.addHook('onResponse', async (request, reply) => {
    s.metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });

  await app.register(multipart, {
    limits: { fileSize: env.PURE_MAX_INPUT_BYTES, files: env.PURE_MAX_BATCH_ITEMS, fields: 8, parts: env.PURE_MAX_BATCH_ITEMS + 8 },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'pure-serve', version: '1.0.0', description: 'PURE real-world image super-resolution as a service.' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  opsRoutes(app, s);
  const deps: RouteDeps = { ...s, read: readDeps(s) };
  await app.register(async (v1) => {
    v1.addHook('onRequest', authenticate(env.PURE_API_KEYS));
    jobRoutes(v1, deps);
    batchRoutes(v1, deps);
    eventRoutes(v1, deps);
    webhookRoutes(v1, deps);
  });
  return app;
}
