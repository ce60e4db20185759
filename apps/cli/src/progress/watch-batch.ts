/**
 * Follows a batch until every job is final: reads the batch, then each job that may have changed, and hands
 * the views to a display. Polls (a few reads a second per running job) because the views carry all a bar needs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isFinal, type BatchView, type JobView } from '@pure/contracts/job';
import type { PureClient } from '../client';
import type { ProgressDisplay } from './progress-display';

/** How to poll and label. */
export interface WatchOptions {
  /** Pause between polls; default 250 ms. */
  intervalMs?: number;
  /** A label per job id (e.g. the input file name); default the job id. */
  labels?: ReadonlyMap<string, string>;
  /** Stops watching (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** Resolves with the final batch and the last view of each of its jobs, in batch order. */
export async function watchBatch(
  client: PureClient,
  batchId: string,
  display: ProgressDisplay,
  opts: WatchOptions = {},
): Promise<{ batch: BatchView; jobs: JobView[] }> {
  const views = new Map<string, JobView>();
  const label = (id: string) => opts.labels?.get(id) ?? id;
  for (;;) {
    opts.signal?.throwIfAborted();
    const batch = await client.getBatch(batchId);
    // Read the jobs that may have changed: running ones, and ones whose status moved since the last read
    // (a final one once more, for its result). Queued jobs are read once, so a big batch stays cheap.
    for (const { id, status } of batch.jobs) {
      const known = views.get(id);
      if (known && (isFinal(known.status) || (status === 'queued' && known.status === 'queued'))) continue;
      const job = await client.getJob(id);
      views.set(id, job);
      display.update(label(id), job);
    }
    const done = batch.jobs.every((j) => {
      const v = views.get(j.id);
      return v !== undefined && isFinal(v.status);
    });
    if (done) return { batch: await client.getBatch(batchId), jobs: batch.jobs.map((j) => views.get(j.id) as JobView) };
    await sleep(opts.intervalMs ?? 250, undefined, { signal: opts.signal });
  }
}
