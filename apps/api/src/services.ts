/** Everything the api's routes and dispatcher need, built once from the env (tests build it the same way). */
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { ApiMetrics } from '@pure/telemetry/api-metrics';
import { createLogger, type Logger } from '@pure/telemetry/logger';
import { createStorage, type Storage } from '@pure/storage/storage';
import { storageConfigFromEnv } from '@pure/storage/storage-env';
import { JobStore } from '@pure/jobs/job-store';
import { createJobQueues, type JobQueues } from '@pure/jobs/queues';
import { IdempotencyStore } from '@pure/jobs/idempotency';
import type { ApiEnv } from './env';
import { JobViews } from './views/job-views';
import { FleetEstimate } from './views/fleet-estimate';
import { EventHub } from './events/event-hub';
import { WebhookSecrets } from './webhooks/webhook-secrets';
import { DeliveryLog } from './webhooks/delivery-log';

export interface Services {
  env: ApiEnv;
  logger: Logger;
  redis: Redis;
  store: JobStore;
  queues: JobQueues;
  idem: IdempotencyStore;
  storage: Storage;
  views: JobViews;
  hub: EventHub;
  secrets: WebhookSecrets;
  deliveries: DeliveryLog;
  registry: Registry;
  metrics: ApiMetrics;
  close(): Promise<void>;
}

/** Connects to Redis and S3 (lazily: nothing is contacted until used) and wires the stores. */
export function createServices(env: ApiEnv, opts: { logger?: Logger } = {}): Services {
  const logger = opts.logger ?? createLogger({ name: 'api', level: env.LOG_LEVEL });
  // BullMQ blocks on this connection's commands during a Redis restart instead of failing them.
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const subscriber = redis.duplicate();
  subscriber.on('error', (err) => logger.warn({ err: err.message }, 'redis subscriber error'));
  const storage = createStorage(storageConfigFromEnv(env));
  const prefix = env.PURE_REDIS_PREFIX;
  const store = new JobStore(redis, prefix);
  const queues = createJobQueues({ connection: redis, prefix });
  for (const q of [queues.restore, queues.webhooks]) q.on('error', (err) => logger.warn({ err: err.message, queue: q.name }, 'queue error'));
  const registry = new Registry();
  const metrics = new ApiMetrics({ register: registry });
  const fleet = new FleetEstimate(queues.restore, redis);
  metrics.watchQueue(queues.restore.name, {
    counts: () => queues.restore.getJobCounts(),
    backlogSeconds: async () => FleetEstimate.backlogSeconds(await fleet.snapshot()) ?? Number.NaN,
  });
  metrics.watchQueue(queues.webhooks.name, { counts: () => queues.webhooks.getJobCounts() });
  const hub = new EventHub(subscriber);
  return {
    env,
    logger,
    redis,
    store,
    queues,
    idem: new IdempotencyStore(redis, prefix),
    storage,
    views: new JobViews(store, storage, queues, env.PURE_PRESIGN_TTL_S, fleet),
    hub,
    secrets: new WebhookSecrets(redis, store.keys, env.PURE_WEBHOOK_SECRETS),
    deliveries: new DeliveryLog(redis, store.keys),
    registry,
    metrics,
    async close() {
      await queues.close();
      hub.close();
      redis.disconnect();
      storage.close();
    },
  };
}
