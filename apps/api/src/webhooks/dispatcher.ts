/**
 * The webhook dispatcher: a BullMQ worker on the webhooks queue. Each attempt signs the event with the
 * tenant's secret (Standard Webhooks: the same `webhook-id` on every attempt, a fresh timestamp), posts it
 * under the SSRF rules (checked again at send time, no redirects), and counts any 2xx as delivered; anything
 * else is retried on the configured schedule. A URL that is not allowed is not retried.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { Webhook } from 'standardwebhooks';
import { WEBHOOK_QUEUE, backoffDelay } from '@pure/contracts/queues';
import type { WebhookDelivery } from '@pure/contracts/events';
import type { ApiMetrics } from '@pure/telemetry/api-metrics';
import type { Logger } from '@pure/telemetry/logger';
import { safeFetch } from '../net/safe-fetch';
import { UrlNotAllowedError } from '../net/url-not-allowed-error';
import type { DeliveryLog } from './delivery-log';
import type { WebhookSecrets } from './webhook-secrets';

export interface DispatcherDeps {
  /** A connection to duplicate (the worker needs its own, with `maxRetriesPerRequest: null`). */
  connection: Redis;
  prefix: string;
  secrets: WebhookSecrets;
  log: DeliveryLog;
  metrics: ApiMetrics;
  logger: Logger;
  /** Delays before retries, ms. */
  scheduleMs: readonly number[];
  timeoutMs: number;
  allowPrivateUrls: boolean;
  concurrency?: number;
}

/** A running dispatcher. */
export interface Dispatcher {
  worker: Worker<WebhookDelivery>;
  close(): Promise<void>;
}

const MAX_ANSWER_BYTES = 64 * 1024;

async function deliver(deps: DispatcherDeps, job: Job<WebhookDelivery>): Promise<void> {
  const parsed = WEBHOOK_QUEUE.schema.safeParse(job.data);
  if (!parsed.success) {
    deps.logger.error({ webhookId: job.id, issues: parsed.error.issues }, 'webhook delivery does not parse; dropped');
    throw new UnrecoverableError('invalid webhook delivery data');
  }
  const d = parsed.data;
  const subjectId = typeof d.event.data.id === 'string' ? d.event.data.id : d.webhookId;
  const attempt = job.attemptsMade + 1;
  const last = attempt >= (job.opts.attempts ?? 1);
  const payload = JSON.stringify(d.event);
  const now = new Date();
  const signature = new Webhook(await deps.secrets.get(d.tenant)).sign(d.webhookId, now, payload);
  const started = performance.now();
  let status: number | null = null;
  let error: string | null = null;
  let blocked = false;
  try {
    const res = await safeFetch(d.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'pure-serve-webhooks/1',
        'webhook-id': d.webhookId,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: payload,
      timeoutMs: deps.timeoutMs,
      maxBytes: MAX_ANSWER_BYTES,
      maxRedirects: 0,
      allowPrivate: deps.allowPrivateUrls,
    });
    status = res.status;
    if (status < 200 || status >= 300) error = `HTTP ${status}`;
  } catch (err) {
    blocked = err instanceof UrlNotAllowedError;
    error = err instanceof Error ? err.message : String(err);
  }
  const ok = error === null;
  const seconds = (performance.now() - started) / 1000;
  const outcome = ok ? 'delivered' : blocked ? 'blocked' : last ? 'gave_up' : 'retrying';
  deps.metrics.webhookDeliveries.inc({ outcome, event: d.event.type });
  deps.metrics.webhookDuration.observe({ outcome }, seconds);
  await deps.log.record(subjectId, {
    webhookId: d.webhookId,
    type: d.event.type,
    url: d.url,
    attempt,
    at: now.toISOString(),
    status,
    ok,
    error,
    durationMs: Math.round(seconds * 1000),
  });
  if (ok) return;
  deps.logger.warn({ webhookId: d.webhookId, attempt, status, error }, 'webhook delivery failed');
  if (blocked) throw new UnrecoverableError(error ?? 'url not allowed');
  throw new Error(`webhook delivery failed: ${error}`);
}

/** Starts delivering webhooks from the queue under `prefix`. */
export function startDispatcher(deps: DispatcherDeps): Dispatcher {
  const connection = deps.connection.duplicate({ maxRetriesPerRequest: null });
  const worker = new Worker<WebhookDelivery>(WEBHOOK_QUEUE.name, (job) => deliver(deps, job), {
    connection,
    prefix: deps.prefix,
    concurrency: deps.concurrency ?? 16,
    lockDuration: WEBHOOK_QUEUE.lockDuration,
    stalledInterval: WEBHOOK_QUEUE.stalledInterval,
    maxStalledCount: WEBHOOK_QUEUE.maxStalledCount,
    settings: { backoffStrategy: (attemptsMade: number) => backoffDelay({ backoffMs: deps.scheduleMs }, attemptsMade) },
  });
  worker.on('error', (err) => deps.logger.error({ err }, 'webhook dispatcher error'));
  return {
    worker,
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
