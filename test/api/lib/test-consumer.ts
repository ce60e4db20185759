/**
 * A test-only consumer of the restore queue, built on the contracts' catalog and @pure/jobs, that moves jobs
 * through their states the way a worker does (parse, running, progress, final, events). It produces no
 * results: the jobs it finishes end failed or canceled, as a test tells it.
 */
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { RESTORE_QUEUE } from '@pure/contracts/queues';
import type { JobData, JobView } from '@pure/contracts/job';
import type { JobStore } from '@pure/jobs/job-store';
import type { JobQueues } from '@pure/jobs/queues';
import { publishJobEvents } from '@pure/jobs/job-events';
import type { JobRecord } from '@pure/jobs/job-record';

export interface ConsumerDeps {
  connection: Redis;
  prefix: string;
  store: JobStore;
  queues: JobQueues;
  view: (job: JobRecord) => Promise<JobView>;
}

/** What the consumer does with each job after marking it running. */
export type Behaviour = (data: JobData) => Promise<'failed' | 'canceled'>;

/** Starts consuming; `close()` stops and disconnects. */
export function startTestConsumer(deps: ConsumerDeps, behave: Behaviour): { close(): Promise<void> } {
  const connection = deps.connection.duplicate({ maxRetriesPerRequest: null });
  const worker = new Worker(
    RESTORE_QUEUE.name,
    async (job) => {
      const data = RESTORE_QUEUE.schema.parse(job.data);
      await deps.store.transition(data.jobId, 'running');
      await deps.store.setProgress(data.jobId, { phase: 'preprocess', done: 0, total: 1 });
      const to = await behave(data);
      const error = to === 'failed' ? { code: 'model_error' as const, message: 'test consumer: no model here' } : { code: 'canceled' as const, message: 'canceled' };
      const t = await deps.store.transition(data.jobId, to, { error });
      if (t.ok || (t.from !== '' && t.from === to)) await publishJobEvents({ store: deps.store, queues: deps.queues, jobId: data.jobId, view: deps.view });
    },
    { connection, prefix: deps.prefix, lockDuration: RESTORE_QUEUE.lockDuration, maxStalledCount: RESTORE_QUEUE.maxStalledCount },
  );
  return {
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
