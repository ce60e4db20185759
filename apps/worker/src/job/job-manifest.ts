/** Builds `manifest.json`, the durable record of a finished job (schema: `@pure/contracts/job-manifest`). */
import { hostname } from 'node:os';
import type { ErrorBody } from '@pure/contracts/error-codes';
import type { JobData } from '@pure/contracts/job';
import { JobManifest, type ResultRecord } from '@pure/contracts/job-manifest';
import type { JobRecord } from '@pure/jobs/job-record';
import type { ModelInfo } from '../inference/protocol';

/** The manifest's optional parts that only the worker knows. */
export type ManifestExtras = Pick<JobManifest, 'text' | 'resumption'>;

export interface ManifestInput {
  data: JobData;
  record: JobRecord | null;
  status: JobManifest['status'];
  model: ModelInfo | null;
  result: ResultRecord | null;
  error: ErrorBody | null;
  timings: Record<string, number>;
  checksums: Record<string, string>;
  extras?: ManifestExtras;
}

/** The manifest object, checked against the contract (a mismatch is a bug here, thrown as such). */
export function buildManifest(m: ManifestInput): JobManifest {
  const now = new Date().toISOString();
  const base: JobManifest = {
    v: 1,
    jobId: m.data.jobId,
    tenant: m.data.tenant,
    batchId: m.data.batchId ?? null,
    status: m.status,
    createdAt: m.record?.createdAt ?? m.data.submittedAt,
    startedAt: m.record?.startedAt ?? null,
    finishedAt: now,
    attempts: m.record?.attempts ?? 0,
    params: m.data.params,
    metadata: m.data.metadata ?? null,
    input: m.data.input,
    model: m.model ? { name: m.model.name, sha256: m.model.sha256 } : null,
    result: m.result,
    error: m.error,
    timings: Object.fromEntries(Object.entries(m.timings).map(([k, v]) => [k, Math.max(0, v)])),
    checksums: m.checksums,
    ...m.extras,
    worker: { host: hostname(), pid: process.pid },
  };
  return JobManifest.parse(base);
}
