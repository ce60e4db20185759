/**
 * The manifest of a job canceled before any worker took it. Workers write the manifest of every job they
 * end; a job canceled while queued never reaches one, so the api writes its durable record instead.
 */
import type { JobManifest } from '@pure/contracts/job-manifest';
import type { Storage } from '@pure/storage/storage';
import type { JobRecord } from '@pure/jobs/job-record';

/** Writes `manifest.json` for a job that ended canceled without running. */
export async function writeCanceledManifest(storage: Storage, job: JobRecord): Promise<void> {
  const manifest: JobManifest = {
    v: 1,
    jobId: job.id,
    tenant: job.tenant,
    batchId: job.batchId,
    status: 'canceled',
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt ?? new Date().toISOString(),
    attempts: job.attempts,
    params: job.params,
    metadata: job.metadata,
    input: job.input,
    model: null,
    result: null,
    error: job.error,
    timings: {},
    checksums: {},
  };
  await storage.put(storage.jobKeys(job.tenant, job.id).manifest, JSON.stringify(manifest), { contentType: 'application/json' });
}
