/**
 * One restore on the inference thread, seen from the main thread: progress (at most once per row) and row
 * checkpoints go to Redis in order, token stats to the metrics, and at `trace` one log line per token.
 */
import type { JobData } from '@pure/contracts/job';
import type { Logger } from '@pure/telemetry/logger';
import type { RunHandlers } from '../inference/inference-client';
import type { GenerationCheckpoint, RestoreRun } from '../inference/restorer';
import type { ActiveJob } from './active-jobs';
import type { JobDeps } from './job-deps';

/** Runs the restore; every Redis write it caused has settled when it returns or throws. */
export async function runRestore(
  deps: JobDeps,
  active: ActiveJob,
  data: JobData,
  input: Uint8Array,
  checkpoint: GenerationCheckpoint | null,
  log: Logger,
): Promise<RestoreRun> {
  const { store, metrics } = deps;
  const jobId = data.jobId;
  let writes: Promise<void> = Promise.resolve();
  // One ordered chain: a progress or checkpoint write never overtakes an earlier one.
  const enqueue = (what: string, fn: () => Promise<void>) => {
    writes = writes.then(fn).catch((err: unknown) => log.warn({ err }, `could not write ${what}`));
  };
  const trace = log.isLevelEnabled('trace');
  const handlers: RunHandlers = {
    onProgress: (p) => enqueue('progress', () => store.setProgress(jobId, p)),
    onCheckpoint: (c) =>
      enqueue('checkpoint', async () => {
        await store.saveCheckpoint(jobId, c);
        metrics.checkpoint();
      }),
    onTokens: (b) => {
      metrics.tokens('image', b.entropies.length, b.seconds);
      metrics.tokenStats(b.entropies, b.ks);
      if (!trace) return;
      for (let i = 0; i < b.entropies.length; i++) {
        log.trace({ row: b.rows[i], col: b.cols[i], tokenId: b.tokenIds[i], entropy: b.entropies[i], k: b.ks[i] }, 'token');
      }
    },
  };
  try {
    const running = deps.inference.run(jobId, input, data.params, checkpoint, handlers);
    active.whenStopped((reason) => deps.inference.stop(jobId, reason));
    return await running;
  } finally {
    // A hand-back relies on the last row's checkpoint being in Redis before the job is requeued.
    await writes;
  }
}
