/**
 * Stores checked inputs in S3, writes job (and batch) hashes, then enqueues every job in one `addBulk`.
 * Any failure undoes what was done: stored objects are deleted and hashes removed, so no job looks queued
 * without being in the queue. Inputs are stored before the hashes so a worker never sees a job without input.
 */
import { randomInt } from 'node:crypto';
import type { JobData, Metadata, StoredInput, WebhookTarget } from '@pure/contracts/job';
import type { RestoreParams } from '@pure/contracts/params';
import { RESTORE_QUEUE } from '@pure/contracts/queues';
import type { Storage } from '@pure/storage/storage';
import type { JobStore } from '@pure/jobs/job-store';
import type { JobQueues } from '@pure/jobs/queues';
import { restoreJobOptions } from '@pure/jobs/queues';
import { newBatchId, newJobId } from '@pure/jobs/ids';
import type { NewJob } from '@pure/jobs/job-record';
import type { CheckedImage } from '../input/check-image';

/** One item ready to store: checked bytes and final params. */
export interface CheckedItem {
  bytes: Buffer;
  image: CheckedImage;
  params: RestoreParams;
  metadata?: Metadata;
}

export interface SubmitDeps {
  storage: Storage;
  store: JobStore;
  queues: Pick<JobQueues, 'restore'>;
}

export interface SubmitOptions {
  tenant: string;
  webhook?: WebhookTarget;
  /** Present for `POST /v1/batches`: the batch's own metadata. */
  batch?: { metadata?: Metadata };
}

const UPLOAD_CONCURRENCY = 16;

/** A random seed for params without one, so every job can be replayed exactly. */
export function withSeed(params: Omit<RestoreParams, 'seed'> & { seed?: number }): RestoreParams {
  return { ...params, seed: params.seed ?? randomInt(0, 2 ** 32) } as RestoreParams;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const out: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      if (failed) {
        out[i] = { status: 'rejected', reason: new Error('skipped after an earlier failure') };
        continue;
      }
      try {
        out[i] = { status: 'fulfilled', value: await fn(items[i], i) };
      } catch (reason) {
        failed = true; // stop starting uploads; the ones in flight finish and are undone
        out[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return out;
}

/** Stores, records and enqueues `items`; returns the job ids (and batch id). */
export async function submitJobs(deps: SubmitDeps, items: CheckedItem[], opts: SubmitOptions): Promise<{ jobIds: string[]; batchId?: string }> {
  const createdAt = new Date().toISOString();
  const batchId = opts.batch ? newBatchId() : undefined;
  const jobIds = items.map(() => newJobId());

  const stored = await mapLimit(items, UPLOAD_CONCURRENCY, async (item, i): Promise<StoredInput> => {
    const key = deps.storage.jobKeys(opts.tenant, jobIds[i]).input(item.image.format);
    const put = await deps.storage.put(key, item.bytes, { contentType: `image/${item.image.format}` });
    return { key, format: item.image.format, bytes: put.size, width: item.image.width, height: item.image.height, sha256: put.sha256 };
  });
  const inputs = stored.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const undoInputs = () => Promise.allSettled(inputs.map((s) => deps.storage.delete(s.key)));
  const failure = stored.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) {
    await undoInputs();
    throw failure.reason;
  }

  const jobs: NewJob[] = items.map((item, i) => ({
    id: jobIds[i],
    tenant: opts.tenant,
    batchId,
    params: item.params,
    input: inputs[i],
    metadata: item.metadata,
    webhook: opts.webhook,
    createdAt,
  }));
  try {
    if (batchId) await deps.store.createBatch({ id: batchId, tenant: opts.tenant, createdAt, metadata: opts.batch?.metadata, webhook: opts.webhook }, jobs);
    else await deps.store.createJob(jobs[0]);
    await deps.queues.restore.addBulk(
      jobs.map((job) => {
        const data: JobData = { v: 1, jobId: job.id, tenant: job.tenant, batchId, input: job.input, params: job.params, webhook: job.webhook, metadata: job.metadata, submittedAt: createdAt };
        return { name: RESTORE_QUEUE.name, data: RESTORE_QUEUE.schema.parse(data), opts: restoreJobOptions(job.id) };
      }),
    );
  } catch (err) {
    await Promise.allSettled([deps.store.deleteUnsubmitted(jobIds, batchId), undoInputs()]);
    throw err;
  }
  return { jobIds, batchId };
}
