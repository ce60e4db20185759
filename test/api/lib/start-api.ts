/** Starts the real api in-process on an ephemeral port, on a private redis-server and S3 server. */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Writable } from 'node:stream';
import { createLogger } from '@pure/telemetry/logger';
import { buildApp } from '../../../apps/api/src/app';
import { loadEnv } from '../../../apps/api/src/env';
import { createServices, type Services } from '../../../apps/api/src/services';
import { startDispatcher, type Dispatcher } from '../../../apps/api/src/webhooks/dispatcher';
import { startRedis, startS3, s3Env, uniquePrefix, type RedisServer, type S3Server } from '../../harness/index';

export const KEYS = { acme: 'key-acme-123', globex: 'key-globex-456' } as const;

export interface RunningApi {
  url: string;
  services: Services;
  app: FastifyInstance;
  redisServer: RedisServer;
  s3: S3Server;
  prefix: string;
  dispatcher: Dispatcher | null;
  /** Authorization header for a tenant. */
  auth(tenant: keyof typeof KEYS): Record<string, string>;
  /** Every Redis key under this api's prefix, sorted. */
  redisKeys(): Promise<string[]>;
  /** Every S3 key under this api's prefix. */
  s3Keys(): Promise<string[]>;
  stop(): Promise<void>;
}

export interface StartOptions {
  appendonly?: boolean;
  dispatcher?: boolean;
  env?: Record<string, string>;
}

/** An api on 127.0.0.1:<free port>; `stop()` in the file's `after` hook. */
export async function startApi(opts: StartOptions = {}): Promise<RunningApi> {
  const [redisServer, s3] = await Promise.all([startRedis({ appendonly: opts.appendonly }), startS3()]);
  const prefix = uniquePrefix('api');
  const globexHash = createHash('sha256').update(KEYS.globex).digest('hex');
  const env = loadEnv({
    REDIS_URL: redisServer.url,
    PURE_REDIS_PREFIX: prefix,
    ...s3Env(s3, prefix),
    PURE_API_KEYS: `acme:${KEYS.acme},globex:sha256:${globexHash}`,
    PURE_ALLOW_PRIVATE_URLS: '1',
    PURE_WEBHOOK_RETRY_SCHEDULE: '20,20,20',
    PURE_MAX_INPUT_PIXELS: String(2048 * 2048),
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const logger = createLogger({ name: 'api-test', level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const services = createServices(env, { logger });
  const app = await buildApp(services);
  // Queues write their meta keys when they connect; wait, so tests can snapshot the keys that exist.
  await Promise.all([services.queues.restore.waitUntilReady(), services.queues.webhooks.waitUntilReady()]);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const dispatcher =
    opts.dispatcher === false
      ? null
      : startDispatcher({
          connection: services.redis,
          prefix,
          secrets: services.secrets,
          log: services.deliveries,
          metrics: services.metrics,
          logger,
          scheduleMs: env.PURE_WEBHOOK_RETRY_SCHEDULE,
          timeoutMs: env.PURE_WEBHOOK_TIMEOUT_MS,
          allowPrivateUrls: true,
        });
  const port = (app.server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    services,
    app,
    redisServer,
    s3,
    prefix,
    dispatcher,
    auth: (tenant) => ({ authorization: `Bearer ${KEYS[tenant]}` }),
    redisKeys: async () => (await services.redis.keys(`${prefix}:*`)).sort(),
    s3Keys: async () => (await services.storage.list(`${prefix}/`)).map((o) => o.key),
    async stop() {
      await app.close();
      await dispatcher?.close();
      await services.close();
      await Promise.all([redisServer.stop(), s3.stop()]);
    },
  };
}
