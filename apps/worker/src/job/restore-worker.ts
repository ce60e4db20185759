/** The BullMQ consumer of the restore queue, with the catalog's lock, stall and backoff settings. */
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { isFinal } from '@pure/contracts/job';
import { backoffDelay, RESTORE_QUEUE } from '@pure/contracts/queues';
import type { WorkerEnv } from '../env';
import type { JobDeps } from './job-deps';
import { JobFinisher } from './job-finisher';
import { processJob } from './process-job';

type Timings = Pick<WorkerEnv, 'PURE_CONCURRENCY' | 'PURE_LOCK_DURATION_MS' | 'PURE_STALLED_INTERVAL_MS' | 'PURE_MAX_STALLED_COUNT' | 'PURE_BACKOFF_MS'>;

/** A worker that does not run until `run()` is called (after the model has loaded). */
export function createRestoreWorker(deps: JobDeps, opts: { connection: Redis; prefix: string; env: Timings }): Worker {
  const { env } = opts;
  const worker = new Worker(RESTORE_QUEUE.name, (job: Job, token?: string) => processJob(deps, job, token), {
    connection: opts.connection,
    prefix: opts.prefix,
    autorun: false,
    concurrency: env.PURE_CONCURRENCY,
    lockDuration: env.PURE_LOCK_DURATION_MS,
    stalledInterval: env.PURE_STALLED_INTERVAL_MS,
    maxStalledCount: env.PURE_MAX_STALLED_COUNT,
    settings: { backoffStrategy: (attemptsMade: number) => backoffDelay({ backoffMs: env.PURE_BACKOFF_MS }, attemptsMade) },
  });
  const log = deps.logger;
  worker.on('error', (err) => log.warn({ err: err.message }, 'queue worker error'));
  worker.on('stalled', (jobId) => log.warn({ jobId }, 'job stalled'));
  // Its lock expired (a long pause, a partition) and the stalled check may already have given the job to
  // another worker: stop generating instead of racing it; the job resumes from its last row checkpoint.
  worker.on('lockRenewalFailed', (jobIds) => {
    for (const jobId of jobIds) {
      const job = deps.active.get(jobId);
      if (!job) continue;
      log.warn({ jobId }, 'job lock lost: stopping it, the queue gives it out again');
      job.stop('lost');
    }
  });
  // A job BullMQ fails without our processor (stalled too often) still needs its final state and event.
  worker.on('failed', (job) => {
    if (!job?.id || job.finishedOn === undefined || deps.active.get(job.id)) return;
    const jobId = job.id;
    void deps.store
      .get(jobId)
      .then(async (record) => {
        if (!record || isFinal(record.status)) return;
        const error = { code: 'attempts_exhausted' as const, message: job.failedReason || 'failed by the queue' };
        await new JobFinisher(deps).settle(jobId, 'failed', { error });
      })
      .catch((err: unknown) => log.warn({ err, jobId }, 'could not reconcile a failed job'));
  });
  return worker;
}
