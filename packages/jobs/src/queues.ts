/** The BullMQ queues of the catalog, on an explicit connection and key prefix. */
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { RESTORE_QUEUE, WEBHOOK_QUEUE } from '@pure/contracts/queues';
import type { JobData } from '@pure/contracts/job';
import type { WebhookDelivery } from '@pure/contracts/events';

/** Name of the custom backoff strategy; workers map it to `backoffDelay(spec, attemptsMade)`. */
export const CATALOG_BACKOFF = 'catalog';

const WEEK_S = 7 * 24 * 3600;

/** Options of a restore job: our job id as BullMQ id, the catalog's attempts and backoff. */
export function restoreJobOptions(jobId: string): JobsOptions {
  return {
    jobId,
    attempts: RESTORE_QUEUE.attempts,
    backoff: { type: CATALOG_BACKOFF },
    // Our job hash and the S3 manifest are the record; BullMQ's copy only needs to outlive a retry.
    removeOnComplete: { age: 24 * 3600 },
    removeOnFail: { age: WEEK_S },
  };
}

/**
 * Options of a webhook delivery. The BullMQ id is the webhook id, so enqueueing the same event twice is one
 * delivery; completed deliveries are kept a week so that dedup holds while a producer might still retry.
 */
export function webhookJobOptions(webhookId: string, attempts: number): JobsOptions {
  return {
    jobId: webhookId,
    attempts,
    backoff: { type: CATALOG_BACKOFF },
    removeOnComplete: { age: WEEK_S },
    removeOnFail: { age: WEEK_S },
  };
}

export interface JobQueues {
  restore: Queue<JobData>;
  webhooks: Queue<WebhookDelivery>;
  close(): Promise<void>;
}

/** Both queues of the catalog on `connection` (shared, not closed here) under `prefix`. */
export function createJobQueues(opts: { connection: Redis; prefix: string }): JobQueues {
  const restore = new Queue<JobData>(RESTORE_QUEUE.name, { connection: opts.connection, prefix: opts.prefix });
  const webhooks = new Queue<WebhookDelivery>(WEBHOOK_QUEUE.name, { connection: opts.connection, prefix: opts.prefix });
  return {
    restore,
    webhooks,
    async close() {
      await Promise.all([restore.close(), webhooks.close()]);
    },
  };
}
