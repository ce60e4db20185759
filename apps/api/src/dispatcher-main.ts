/**
 * The webhook dispatcher alone (`tsx apps/api/src/dispatcher-main.ts`), for deployments that run it apart
 * from the api (then set PURE_DISPATCHER=off on the api). Same env as the api.
 */
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { createServer } from 'node:http';
import { ApiMetrics } from '@pure/telemetry/api-metrics';
import { createLogger } from '@pure/telemetry/logger';
import { jobKeys } from '@pure/jobs/keys';
import { loadEnvOrExit } from '@pure/contracts/app-env';
import { loadEnv } from './env';
import { DeliveryLog } from './webhooks/delivery-log';
import { startDispatcher } from './webhooks/dispatcher';
import { WebhookSecrets } from './webhooks/webhook-secrets';

const env = loadEnvOrExit(() => loadEnv());
const logger = createLogger({ name: 'dispatcher', level: env.LOG_LEVEL });
const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
const keys = jobKeys(env.PURE_REDIS_PREFIX);
const registry = new Registry();
const metrics = new ApiMetrics({ register: registry });
const dispatcher = startDispatcher({
  connection: redis,
  prefix: env.PURE_REDIS_PREFIX,
  secrets: new WebhookSecrets(redis, keys, env.PURE_WEBHOOK_SECRETS),
  log: new DeliveryLog(redis, keys),
  metrics,
  logger,
  scheduleMs: env.PURE_WEBHOOK_RETRY_SCHEDULE,
  timeoutMs: env.PURE_WEBHOOK_TIMEOUT_MS,
  allowPrivateUrls: env.PURE_ALLOW_PRIVATE_URLS,
});

// /metrics and /healthz on PORT, like the api.
const server = createServer(async (req, res) => {
  if (req.url === '/metrics') return void res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
  if (req.url === '/healthz') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  res.writeHead(404).end();
}).listen(env.PORT, env.HOST, () => logger.info({ port: env.PORT }, 'webhook dispatcher started'));

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) process.exit(1);
  stopping = true;
  server.close();
  await dispatcher.close();
  redis.disconnect();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
