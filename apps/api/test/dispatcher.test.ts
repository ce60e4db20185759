import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { QueueEvents } from 'bullmq';
import { WEBHOOK_QUEUE } from '@pure/contracts/queues';
import { ApiMetrics } from '@pure/telemetry/api-metrics';
import { createLogger } from '@pure/telemetry/logger';
import { createJobQueues, webhookJobOptions, type JobQueues } from '@pure/jobs/queues';
import { jobKeys } from '@pure/jobs/keys';
import { startRedis, uniquePrefix, type RedisServer } from '../../../test/harness/index';
import { startDispatcher, type Dispatcher } from '../src/webhooks/dispatcher';
import { DeliveryLog } from '../src/webhooks/delivery-log';
import { WebhookSecrets } from '../src/webhooks/webhook-secrets';

describe('dispatcher: SSRF rules at send time', () => {
  let server: RedisServer;
  let redis: Redis;
  let queues: JobQueues;
  let dispatcher: Dispatcher;
  let log: DeliveryLog;
  let receiver: Server;
  let hits = 0;
  let prefix: string;
  before(async () => {
    server = await startRedis();
    redis = new Redis(server.url, { maxRetriesPerRequest: null });
    prefix = uniquePrefix('dispatch');
    queues = createJobQueues({ connection: redis, prefix });
    const keys = jobKeys(prefix);
    log = new DeliveryLog(redis, keys);
    const logger = createLogger({ name: 't', level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
    dispatcher = startDispatcher({
      connection: redis,
      prefix,
      secrets: new WebhookSecrets(redis, keys, new Map()),
      log,
      metrics: new ApiMetrics({ register: new Registry() }),
      logger,
      scheduleMs: [10],
      timeoutMs: 1000,
      allowPrivateUrls: false,
    });
    receiver = createServer((_req, res) => {
      hits++;
      res.writeHead(200).end();
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  });
  after(async () => {
    receiver.close();
    await dispatcher.close();
    await queues.close();
    redis.disconnect();
    await server.stop();
  });

  test('a webhook to a loopback address is blocked, logged and not retried', async () => {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const conn = redis.duplicate({ maxRetriesPerRequest: null });
    const events = new QueueEvents(WEBHOOK_QUEUE.name, { connection: conn, prefix });
    await events.waitUntilReady();
    const failed = new Promise<string>((resolve) => events.on('failed', ({ jobId }) => resolve(jobId)));
    const data = { id: 'j_x', object: 'job' };
    await queues.webhooks.add('job.failed', { v: 1, webhookId: 'wh_job.failed_j_x', tenant: 'acme', url, event: { type: 'job.failed', timestamp: new Date().toISOString(), data } }, webhookJobOptions('wh_job.failed_j_x', WEBHOOK_QUEUE.attempts));
    assert.equal(await failed, 'wh_job.failed_j_x');
    await events.close();
    conn.disconnect();
    assert.equal(hits, 0);
    const attempts = await log.list('j_x');
    assert.equal(attempts.length, 1, 'no retry of a blocked URL');
    assert.equal(attempts[0].ok, false);
    assert.equal(attempts[0].status, null);
    assert.match(attempts[0].error ?? '', /not public/);
  });
});
