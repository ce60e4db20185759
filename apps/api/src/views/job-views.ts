/** Job and batch views for one tenant: live state from Redis, or the S3 manifest once Redis dropped the job. */
import type { BatchView, JobView } from '@pure/contracts/job';
import { JobManifest } from '@pure/contracts/job-manifest';
import { NonRetryableError } from '@pure/contracts/errors/non-retryable-error';
import type { Storage } from '@pure/storage/storage';
import type { JobStore } from '@pure/jobs/job-store';
import type { JobQueues } from '@pure/jobs/queues';
import { batchView, jobViewFromManifest, jobViewFromRecord, type Presign } from '@pure/jobs/job-view';
import { ID_PATTERN } from '@pure/jobs/ids';
import { ApiError } from '../http/api-error';
import { FleetEstimate, type FleetSnapshot } from './fleet-estimate';

/** A queued job this old with no queue entry is an interrupted submit (a live submit takes milliseconds). */
const ORPHAN_AFTER_MS = 10_000;

/** Reads views; every miss, including another tenant's id, is the same 404. */
export class JobViews {
  readonly presign: Presign;
  constructor(
    private readonly store: JobStore,
    private readonly storage: Storage,
    private readonly queues: Pick<JobQueues, 'restore'>,
    presignTtlS: number,
    private readonly fleet: FleetEstimate = new FleetEstimate(queues.restore, store.redis),
  ) {
    this.presign = (key) => this.storage.presignGet(key, presignTtlS);
  }

  /** The fleet snapshot for ETAs; a view never fails because an estimate could not be read. */
  private snapshot(): Promise<FleetSnapshot | null> {
    return this.fleet.snapshot().catch(() => null);
  }

  /** Jobs that start before `id` (see FleetEstimate.ahead); null when unknown or not asked. */
  private ahead(id: string | null): Promise<number | null> {
    return id ? this.fleet.ahead(id).catch(() => null) : Promise.resolve(null);
  }

  /** The job's view; 404 when missing or not this tenant's. */
  async job(tenant: string, id: string): Promise<JobView> {
    if (!ID_PATTERN.test(id) || !id.startsWith('j_')) throw notFound('job', id);
    let job = await this.store.get(id);
    if (job) {
      if (job.tenant !== tenant) throw notFound('job', id);
      if (job.status === 'queued' && Date.now() - Date.parse(job.createdAt) > ORPHAN_AFTER_MS && (await this.queues.restore.getJobState(id)) === 'unknown') {
        // A submit that died between writing the hash and enqueueing: say so instead of "queued" forever.
        await this.store.transition(id, 'failed', { error: { code: 'internal', message: 'the submission did not complete; submit again' } });
        job = (await this.store.get(id)) ?? job;
      }
      const [view, fleet, ahead] = await Promise.all([jobViewFromRecord(job, this.presign), this.snapshot(), this.ahead(job.status === 'queued' ? id : null)]);
      return { ...view, eta: fleet && FleetEstimate.jobEta(job, fleet, ahead) };
    }
    // The manifest lives under the tenant's own folder, so another tenant's id cannot be read this way.
    let raw: Buffer;
    try {
      raw = await this.storage.get(this.storage.jobKeys(tenant, id).manifest);
    } catch (err) {
      if (err instanceof NonRetryableError && err.code === 'input_missing') throw notFound('job', id);
      throw err;
    }
    const manifest = JobManifest.parse(JSON.parse(raw.toString('utf8')));
    if (manifest.tenant !== tenant || manifest.jobId !== id) throw notFound('job', id);
    return jobViewFromManifest(manifest, this.presign);
  }

  /** The batch's view; 404 when missing or not this tenant's. */
  async batch(tenant: string, id: string): Promise<BatchView> {
    const found = ID_PATTERN.test(id) && id.startsWith('b_') ? await this.store.getBatch(id) : null;
    if (!found || found.batch.tenant !== tenant) throw notFound('batch', id);
    // Its jobs went into the wait list in order, so its last queued one starts last.
    const lastQueued = found.jobs.findLast((j) => j.status === 'queued');
    const [fleet, ahead] = await Promise.all([this.snapshot(), this.ahead(lastQueued?.id ?? null)]);
    return { ...batchView(found.batch, found.jobs), eta: fleet && FleetEstimate.batchEta(found.batch, fleet, ahead) };
  }
}

function notFound(what: string, id: string): ApiError {
  return new ApiError(404, 'not_found', `no ${what} ${id.slice(0, 40)}`);
}
