/** `npm run api`: loads the env, builds the app, starts the in-process webhook dispatcher, serves. */
import { buildApp } from './app';
import { loadEnvOrExit } from '@pure/contracts/app-env';
import { loadEnv } from './env';
import { createServices } from './services';
import { startDispatcher } from './webhooks/dispatcher';

const env = loadEnvOrExit(() => loadEnv());
const services = createServices(env);
const app = await buildApp(services);
const dispatcher =
  env.PURE_DISPATCHER === 'in-process'
    ? startDispatcher({
        connection: services.redis,
        prefix: env.PURE_REDIS_PREFIX,
        secrets: services.secrets,
        log: services.deliveries,
        metrics: services.metrics,
        logger: services.logger.child({ component: 'dispatcher' }),
        scheduleMs: env.PURE_WEBHOOK_RETRY_SCHEDULE,
        timeoutMs: env.PURE_WEBHOOK_TIMEOUT_MS,
        allowPrivateUrls: env.PURE_ALLOW_PRIVATE_URLS,
      })
    : null;

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) process.exit(1); // a second signal forces
  stopping = true;
  services.logger.info({ signal }, 'shutting down');
  await app.close();
  await dispatcher?.close();
  await services.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await app.listen({ port: env.PORT, host: env.HOST });
