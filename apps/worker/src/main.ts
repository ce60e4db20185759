/** `npm run worker`: parse the env, start the worker, drain on SIGTERM/SIGINT (a second signal forces). */
import { createLogger } from '@pure/telemetry/logger';
import { loadEnvOrExit } from '@pure/contracts/app-env';
import { loadEnv } from './env';
import { startWorker } from './start-worker';

const env = loadEnvOrExit(() => loadEnv());
const logger = createLogger({ name: 'worker', level: env.LOG_LEVEL });
const worker = await startWorker({ env, logger }).catch((err: unknown) => {
  logger.fatal({ err }, 'worker failed to start');
  process.exit(1);
});

let signals = 0;
const onSignal = (signal: NodeJS.Signals) => {
  signals += 1;
  if (signals > 1) {
    logger.warn({ signal }, 'second signal: exiting now');
    process.exit(130);
  }
  void worker.drain(signal);
};
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);

await worker.stopped;
logger.info('worker stopped');
process.exit(process.exitCode ?? 0);
