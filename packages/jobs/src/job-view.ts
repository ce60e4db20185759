/** Builds the client-facing job and batch views from stored records; result keys become presigned links. */
import type { BatchView, JobResult, JobStatus, JobView } from '@pure/contracts/job';
import type { JobManifest, ResultRecord } from '@pure/contracts/job-manifest';
import type { BatchRecord, JobRecord } from './job-record';

/** Turns an object key into a time-limited GET link (the api passes its storage's presigner). */
export type Presign = (key: string) => Promise<{ url: string; expiresAt: string }>;

async function resultLinks(result: ResultRecord, presign: Presign): Promise<JobResult> {
  const a = result.artifacts;
  const [image, entropyMap, entropyLog, entropySummary, manifest] = await Promise.all(
    [a.image, a.entropyMap, a.entropyLog, a.entropySummary, a.manifest].map(presign),
  );
  return {
    image,
    entropyMap,
    entropyLog,
    entropySummary,
    manifest,
    format: result.format,
    width: result.width,
    height: result.height,
    degradation: result.degradation,
    caption: result.caption,
    stats: result.stats,
  };
}

/** The view of a job that Redis still holds. */
export async function jobViewFromRecord(job: JobRecord, presign: Presign): Promise<JobView> {
  return {
    id: job.id,
    object: 'job',
    status: job.status,
    batchId: job.batchId,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    attempts: job.attempts,
    progress: job.progress,
    eta: null,
    params: job.params,
    metadata: job.metadata,
    result: job.status === 'succeeded' && job.result ? await resultLinks(job.result, presign) : null,
    error: job.error,
  };
}

/** The view of a job rebuilt from its S3 manifest, once Redis has dropped it. */
export async function jobViewFromManifest(m: JobManifest, presign: Presign): Promise<JobView> {
  return {
    id: m.jobId,
    object: 'job',
    status: m.status,
    batchId: m.batchId,
    createdAt: m.createdAt,
    startedAt: m.startedAt,
    finishedAt: m.finishedAt,
    attempts: m.attempts,
    progress: null,
    eta: null,
    params: m.params,
    metadata: m.metadata,
    result: m.status === 'succeeded' && m.result ? await resultLinks(m.result, presign) : null,
    error: m.error,
  };
}

/**
 * The view of a batch. A job hash can expire a little before its completed batch; such a job is final but
 * its outcome is no longer in Redis, and is listed as failed (its manifest in S3 still tells the truth).
 */
export function batchView(batch: BatchRecord, jobs: { id: string; status: JobStatus | null }[]): BatchView {
  return {
    id: batch.id,
    object: 'batch',
    createdAt: batch.createdAt,
    completedAt: batch.completedAt,
    total: batch.total,
    counts: {
      queued: batch.queued,
      running: batch.running,
      succeeded: batch.succeeded,
      failed: batch.failed,
      canceled: batch.canceled,
    },
    jobs: jobs.map((j) => ({ id: j.id, status: j.status ?? 'failed' })),
    eta: null,
    metadata: batch.metadata,
  };
}
