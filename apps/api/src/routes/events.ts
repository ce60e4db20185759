/**
 * `GET /v1/jobs/{id}/events`: server-sent events. `status` events carry the job view, `progress` events the
 * progress; the stream ends after the job's final status. It subscribes before reading the current state, so
 * no change falls between the snapshot and the live feed.
 */
import type { FastifyInstance } from 'fastify';
import { isFinal } from '@pure/contracts/job';
import { bearer, errorResponses, idParam } from '../http/openapi-schema';
import type { RouteDeps } from './route-deps';

const KEEPALIVE_MS = 15_000;

/** Registers the SSE route. */
export function eventRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get<{ Params: { id: string } }>('/v1/jobs/:id/events', {
    schema: {
      tags: ['jobs'],
      summary: 'Stream a job\'s progress and status changes (text/event-stream)',
      params: idParam('job'),
      security: bearer,
      produces: ['text/event-stream'],
      response: { 200: { description: '`event: status` (data: job view) and `event: progress` (data: progress); ends at a final status', type: 'string' }, ...errorResponses(404) },
    },
    handler: async (request, reply) => {
      const { id } = request.params;
      const tenant = request.tenant;
      const first = await deps.views.job(tenant, id); // 404 unless this tenant's
      const raw = reply.raw;
      reply.hijack();
      raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      const send = (event: string, data: unknown) => raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      if (isFinal(first.status)) {
        send('status', first);
        return void raw.end();
      }
      let closed = false;
      let unsubscribe: () => Promise<void> = async () => undefined;
      const keepalive = setInterval(() => raw.write(': keepalive\n\n'), KEEPALIVE_MS);
      const finish = () => {
        if (closed) return;
        closed = true;
        clearInterval(keepalive);
        void unsubscribe();
        raw.end();
      };
      request.raw.once('close', finish);
      // Status messages are turned into views one at a time, in order.
      let chain = Promise.resolve();
      const onStatus = () => {
        chain = chain.then(async () => {
          if (closed) return;
          const view = await deps.views.job(tenant, id).catch(() => null);
          if (!view || closed) return finish();
          send('status', view);
          if (isFinal(view.status)) finish();
        });
      };
      unsubscribe = await deps.hub.subscribe(deps.store.keys.eventsChannel(id), (message) => {
        const m = JSON.parse(message) as { type: string; progress?: unknown };
        if (m.type === 'progress' && !closed) send('progress', m.progress);
        else if (m.type === 'status') onStatus();
      });
      onStatus(); // the snapshot, read after subscribing
    },
  });
}
