/** Unauthenticated operations routes: `/healthz`, `/readyz` (Redis and S3 reachable), `/metrics`. */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../services';

const PROBE_TIMEOUT_MS = 2_000;

async function probe(fn: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), PROBE_TIMEOUT_MS)));
  try {
    await Promise.race([fn(), timeout]);
    return 'ok';
  } catch (err) {
    return err instanceof Error ? err.message : 'failed';
  } finally {
    clearTimeout(timer);
  }
}

const health = {
  type: 'object',
  properties: { status: { type: 'string' }, checks: { type: 'object', additionalProperties: { type: 'string' } } },
  required: ['status'],
};

/** Registers the operations routes. */
export function opsRoutes(app: FastifyInstance, s: Services): void {
  app.get('/healthz', { schema: { tags: ['ops'], summary: 'Liveness', response: { 200: { description: 'alive', ...health } } } }, async () => ({ status: 'ok' }));
  app.get('/readyz', {
    schema: { tags: ['ops'], summary: 'Readiness: Redis and S3 reachable', response: { 200: { description: 'ready', ...health }, 503: { description: 'not ready', ...health } } },
    handler: async (_request, reply) => {
      const [redis, s3] = await Promise.all([probe(() => s.redis.ping()), probe(() => s.storage.head(`${s.storage.prefix ? `${s.storage.prefix}/` : ''}readyz-probe`))]);
      const ready = redis === 'ok' && s3 === 'ok';
      reply.status(ready ? 200 : 503);
      return { status: ready ? 'ok' : 'unavailable', checks: { redis, s3 } };
    },
  });
  app.get('/metrics', {
    schema: { tags: ['ops'], summary: 'Prometheus metrics', produces: ['text/plain'], response: { 200: { description: 'exposition format', type: 'string' } } },
    handler: async (_request, reply) => {
      reply.header('content-type', s.registry.contentType);
      return s.registry.metrics();
    },
  });
}
