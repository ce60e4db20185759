/** Cancel of one job from the api, with what follows a cancel that took effect: manifest and events. */
import { cancelJob, type CancelOutcome } from '@pure/jobs/cancel';
import { publishJobEvents } from '@pure/jobs/job-events';
import type { RouteDeps } from './route-deps';
import { writeCanceledManifest } from '../views/canceled-manifest';

/** Cancels `jobId`; when it became canceled now, writes its manifest and enqueues its webhook events. */
export async function cancelAndPublish(deps: RouteDeps, jobId: string): Promise<CancelOutcome> {
  const outcome = await cancelJob(deps.store, deps.queues, jobId);
  if (outcome.kind !== 'canceled') return outcome;
  const job = await deps.store.get(jobId);
  if (job) {
    // A manifest that fails to write only costs the record after Redis expires the job: log, go on.
    await writeCanceledManifest(deps.storage, job).catch((err: unknown) => deps.logger.warn({ err, jobId }, 'canceled-job manifest not written'));
  }
  await publishJobEvents({ store: deps.store, queues: deps.queues, jobId, view: (j) => deps.views.job(j.tenant, j.id) });
  return outcome;
}
