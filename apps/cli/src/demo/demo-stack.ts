/**
 * The demo's services on loopback, started in order (Redis, S3, api, worker) and stopped in reverse order,
 * also when a start fails half way. Every stop is bounded, so shutting down never hangs.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startRedis } from '@pure/devstack/redis';
import { s3Env, startS3 } from '@pure/devstack/s3';
import { freePort } from '@pure/devstack/free-port';
import { ensureTinyPackage } from '@pure/model/tiny/ensure-tiny-package';
import { PureClient } from '../client';
import { AppProcess } from './app-process';
import { ensureRedisServer } from './ensure-redis';

const TENANT = 'demo';
const PREFIX = 'pure-demo';
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 20_000;

/** Where the repo and the logs are, the environment the apps inherit, and how to report. */
export interface DemoStackOptions {
  repoRoot: string;
  /** Folder for the api and worker logs. */
  logDir: string;
  env: NodeJS.ProcessEnv;
  say: (line: string) => void;
  signal: AbortSignal;
}

/** The running stack. */
export interface DemoStack {
  client: PureClient;
  apps: AppProcess[];
  /** Stops everything started so far, last started first; false when something did not stop in time. */
  stop(): Promise<boolean>;
}

/** Runs `stop`, giving up after STOP_TIMEOUT_MS; true when it finished in time. */
async function bounded(what: string, stop: () => Promise<void>, say: (line: string) => void): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => {
      say(`${what} did not stop within ${STOP_TIMEOUT_MS / 1000} s; it is killed when the demo exits`);
      resolve(false);
    }, STOP_TIMEOUT_MS);
  });
  const stopped = stop().then(
    () => true,
    (err: unknown) => {
      say(`stopping ${what}: ${String(err)}`);
      return false;
    },
  );
  try {
    return await Promise.race([stopped, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts the stack; on failure stops what had started, then throws. */
export async function startDemoStack(o: DemoStackOptions): Promise<DemoStack> {
  const stoppers: { what: string; stop: () => Promise<void> }[] = [];
  const stop = async () => {
    let clean = true;
    for (let s = stoppers.pop(); s; s = stoppers.pop()) clean = (await bounded(s.what, s.stop, o.say)) && clean;
    return clean;
  };
  try {
    ensureRedisServer(o.env, o.say);
    const redis = await startRedis();
    stoppers.push({ what: 'redis-server', stop: () => redis.stop() });
    o.signal.throwIfAborted();
    const s3 = await startS3({ bucket: 'pure-demo' });
    stoppers.push({ what: `S3 server (${s3.backend})`, stop: () => s3.stop() });
    o.say(`Redis on ${redis.url}, S3 (${s3.backend}) on ${s3.endpoint}`);
    o.signal.throwIfAborted();

    o.say('model: the tiny package (built on first use into .cache/models/tiny)');
    await ensureTinyPackage('tiny');

    const apiKey = `demo-${randomBytes(12).toString('hex')}`;
    const [apiPort, metricsPort] = [await freePort(), await freePort()];
    const common = { ...o.env, REDIS_URL: redis.url, PURE_REDIS_PREFIX: PREFIX, ...s3Env(s3, 'demo'), LOG_LEVEL: 'info' };
    const api = AppProcess.start({
      name: 'api',
      script: 'apps/api/src/main.ts',
      cwd: o.repoRoot,
      logFile: join(o.logDir, 'api.log'),
      env: { ...common, PORT: String(apiPort), HOST: '127.0.0.1', PURE_API_KEYS: `${TENANT}:${apiKey}`, PURE_ALLOW_PRIVATE_URLS: '1', PURE_WEBHOOK_RETRY_SCHEDULE: '500,1000,2000,5000', PURE_DISPATCHER: 'in-process', S3_PUBLIC_ENDPOINT: '' },
    });
    stoppers.push({ what: 'api', stop: () => api.stop() });
    const worker = AppProcess.start({
      name: 'worker',
      script: 'apps/worker/src/main.ts',
      cwd: o.repoRoot,
      logFile: join(o.logDir, 'worker.log'),
      env: { ...common, PURE_MODEL: 'tiny', METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1', PURE_DRAIN_GRACE_MS: '5000' },
    });
    stoppers.push({ what: 'worker', stop: () => worker.stop() });
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await Promise.all([
      api.waitReady(`${apiUrl}/readyz`, READY_TIMEOUT_MS, o.signal),
      worker.waitReady(`http://127.0.0.1:${metricsPort}/readyz`, READY_TIMEOUT_MS, o.signal),
    ]);
    o.say(`api on ${apiUrl} (pid ${api.child.pid}), worker metrics on http://127.0.0.1:${metricsPort}/metrics (pid ${worker.child.pid})`);
    return { client: new PureClient({ baseUrl: apiUrl, apiKey }), apps: [api, worker], stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
