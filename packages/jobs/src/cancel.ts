/** Cancel of one job: queued ones at once, running ones at their next row (the worker sees the flag). */
import type { JobStore, TransitionResult } from './job-store';
import type { JobQueues } from './queues';
import { isFinal } from '@pure/contracts/job';

/** What a cancel did. */
export type CancelOutcome =
  | { kind: 'canceled'; transition: TransitionResult }
  | { kind: 'requested' }
  | { kind: 'final' }
  | { kind: 'missing' };

/**
 * Cancels a job. A queued job is removed from BullMQ and becomes canceled now; when BullMQ refuses the removal
 * (a worker holds the job's lock) or the job runs, `cancelRequested` is set and published, and the worker
 * moves it to canceled itself.
 */
export async function cancelJob(store: JobStore, queues: Pick<JobQueues, 'restore'>, jobId: string): Promise<CancelOutcome> {
  const job = await store.get(jobId);
  if (!job) return { kind: 'missing' };
  if (isFinal(job.status)) return { kind: 'final' };
  if (job.status === 'queued') {
    const removed = await queues.restore.remove(jobId);
    if (removed === 1) {
      const transition = await store.transition(jobId, 'canceled', { error: { code: 'canceled', message: 'canceled by the client' } });
      if (transition.ok) return { kind: 'canceled', transition };
      if (transition.from !== '' && isFinal(transition.from)) return { kind: 'final' };
    }
  }
  await store.requestCancel(jobId);
  return { kind: 'requested' };
}
