/**
 * Publishes the webhook events of a job that reached a final status (and of its batch when this completed
 * it). Order: transition first, then enqueue with deterministic ids. A transition decides exactly once which
 * final status won, so only then is the event type known; a crash between the two is repaired by the retry
 * of the same job, whose refused transition still reports the final status: calling this again enqueues the
 * same ids, which BullMQ ignores when they already exist, so nothing is sent twice.
 */
import { isFinal, type BatchView, type JobView } from '@pure/contracts/job';
import { WEBHOOK_QUEUE } from '@pure/contracts/queues';
import type { WebhookDelivery, WebhookEventType } from '@pure/contracts/events';
import type { JobStore } from './job-store';
import type { JobQueues } from './queues';
import { webhookJobOptions } from './queues';
import { batchView } from './job-view';
import type { JobRecord } from './job-record';

/** The webhook id (and BullMQ job id) of an event: the same for every attempt and every re-publish. */
export function webhookId(type: WebhookEventType, subjectId: string): string {
  return `wh_${type}_${subjectId}`;
}

export interface PublishJobEventsOptions {
  store: JobStore;
  queues: Pick<JobQueues, 'webhooks'>;
  jobId: string;
  /** Builds the job view sent as `data` (the caller presigns result links its own way). */
  view: (job: JobRecord) => Promise<JobView>;
}

/** Enqueues `job.<status>` and, when the batch is complete, `batch.completed`. Returns the enqueued ids. */
export async function publishJobEvents(opts: PublishJobEventsOptions): Promise<string[]> {
  const job = await opts.store.get(opts.jobId);
  if (!job || !isFinal(job.status)) return [];
  const ids: string[] = [];
  const type = `job.${job.status}` as WebhookEventType;
  if (job.webhook && (!job.webhook.events || job.webhook.events.includes(type))) {
    const data = await opts.view(job);
    ids.push(await enqueue(opts, job.tenant, job.webhook.url, type, job.id, data));
  }
  if (job.batchId) {
    const found = await opts.store.getBatch(job.batchId);
    const hook = found?.batch.webhook;
    if (found && found.batch.completedAt && hook && (!hook.events || hook.events.includes('batch.completed'))) {
      const data: BatchView = batchView(found.batch, found.jobs);
      ids.push(await enqueue(opts, found.batch.tenant, hook.url, 'batch.completed', found.batch.id, data));
    }
  }
  return ids;
}

async function enqueue(
  opts: PublishJobEventsOptions,
  tenant: string,
  url: string,
  type: WebhookEventType,
  subjectId: string,
  data: JobView | BatchView,
): Promise<string> {
  const id = webhookId(type, subjectId);
  const delivery: WebhookDelivery = {
    v: 1,
    webhookId: id,
    tenant,
    url,
    event: { type, timestamp: new Date().toISOString(), data },
  };
  await opts.queues.webhooks.add(type, WEBHOOK_QUEUE.schema.parse(delivery), webhookJobOptions(id, WEBHOOK_QUEUE.attempts));
  return id;
}
