/**
 * Final states of a job: the manifest first (the durable record), then one atomic transition, then its
 * events. The transition decides once which final state wins; events are enqueued with deterministic ids,
 * so publishing again after a crash, or from a second worker, sends nothing twice.
 */
import type { ErrorBody } from '@pure/contracts/error-codes';
import { isFinal, type JobData } from '@pure/contracts/job';
import type { ResultRecord } from '@pure/contracts/job-manifest';
import { publishJobEvents } from '@pure/jobs/job-events';
import type { TransitionPatch } from '@pure/jobs/job-store';
import { jobViewFromRecord } from '@pure/jobs/job-view';
import type { JobRecord } from '@pure/jobs/job-record';
import type { Logger } from '@pure/telemetry/logger';
import { artifactKeys, removeArtifacts } from './artifacts';
import { buildManifest, type ManifestExtras } from './job-manifest';
import type { JobDeps } from './job-deps';

type FinalStatus = 'succeeded' | 'failed' | 'canceled';

/** What the outcome records besides its status. */
export interface OutcomeDetail {
  timings?: Record<string, number>;
  checksums?: Record<string, string>;
  result?: ResultRecord;
  error?: ErrorBody;
  extras?: ManifestExtras;
}

export class JobFinisher {
  constructor(private readonly deps: JobDeps) {}

  /** Enqueues the job's final event (and its batch's), if it is final. Safe to repeat. */
  async publish(jobId: string): Promise<string[]> {
    const presign = (key: string) => this.deps.storage.presignGet(key, this.deps.presignTtlS);
    return publishJobEvents({ store: this.deps.store, queues: this.deps.queues, jobId, view: (job) => jobViewFromRecord(job, presign) });
  }

  /** Moves the job to `status` (once) and publishes; true when this call made the move. */
  async settle(jobId: string, status: FinalStatus, patch: TransitionPatch): Promise<boolean> {
    const t = await this.deps.store.transition(jobId, status, patch);
    // Refused because already final: an earlier attempt got this far; publishing again is a no-op or repairs a lost enqueue.
    if (t.ok || (t.from !== '' && isFinal(t.from))) await this.publish(jobId);
    await this.deps.store.clearCheckpoint(jobId);
    return t.ok;
  }

  /** Writes the manifest of a finished job. */
  async writeManifest(data: JobData, record: JobRecord | null, status: FinalStatus, d: OutcomeDetail): Promise<void> {
    const manifest = buildManifest({
      data,
      record,
      status,
      model: status === 'succeeded' || record?.startedAt ? this.deps.model() : null,
      result: d.result ?? null,
      error: d.error ?? null,
      timings: d.timings ?? {},
      checksums: d.checksums ?? {},
      ...(d.extras ? { extras: d.extras } : {}),
    });
    await this.deps.storage.put(artifactKeys(this.deps.storage, data).manifest, JSON.stringify(manifest, null, 2), { contentType: 'application/json' });
  }

  /**
   * Ends a job failed or canceled: removes partial artifacts, writes a manifest saying so, then settles.
   * Storage trouble here is logged, not thrown: the final state matters more than the record of it.
   */
  async end(data: JobData, status: 'failed' | 'canceled', error: ErrorBody, log: Logger, d: OutcomeDetail = {}): Promise<boolean> {
    const record = await this.deps.store.get(data.jobId);
    // Already final (an earlier attempt, or this one, got that far): its artifacts and manifest stand.
    if (record && isFinal(record.status)) return this.settle(data.jobId, status, { error });
    try {
      await removeArtifacts(this.deps.storage, artifactKeys(this.deps.storage, data));
      await this.writeManifest(data, record, status, { ...d, error });
    } catch (err) {
      log.warn({ err }, 'could not clean up or write the manifest of an ended job');
    }
    return this.settle(data.jobId, status, { error });
  }
}
