/**
 * The job manifest: the durable record of a finished job, written by the worker to
 * `{prefix}/{tenant}/jobs/{jobId}/manifest.json` as its last step. Redis holds live state; once Redis has
 * dropped a job, the api rebuilds the job view from this file.
 */
import { z } from 'zod';
import { ErrorBody } from './error-codes';
import { JobResult, Metadata, StoredInput } from './job';
import { RestoreParams } from './params';

/** Object keys (not URLs) of a job's artifacts; the api presigns them when it answers. */
export const ArtifactKeys = z.object({
  image: z.string().min(1),
  entropyMap: z.string().min(1),
  entropyLog: z.string().min(1),
  entropySummary: z.string().min(1),
  manifest: z.string().min(1),
});
export type ArtifactKeys = z.infer<typeof ArtifactKeys>;

/** A succeeded job's result as stored (Redis job hash and manifest): keys instead of presigned links. */
export const ResultRecord = z.object({
  artifacts: ArtifactKeys,
  format: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  degradation: z.string(),
  caption: z.string(),
  stats: JobResult.shape.stats,
});
export type ResultRecord = z.infer<typeof ResultRecord>;

/** `manifest.json` of a job, version 1. */
export const JobManifest = z.object({
  v: z.literal(1),
  jobId: z.string().min(1),
  tenant: z.string().min(1),
  batchId: z.string().nullable(),
  status: z.enum(['succeeded', 'failed', 'canceled']),
  createdAt: z.string().datetime(),
  startedAt: z.string().datetime().nullable(),
  finishedAt: z.string().datetime(),
  attempts: z.number().int().nonnegative(),
  params: RestoreParams,
  metadata: Metadata.nullable(),
  input: StoredInput,
  /** Model package that ran the job: its name and manifest checksum; null when the job never ran. */
  model: z.object({ name: z.string(), sha256: z.string() }).nullable(),
  result: ResultRecord.nullable(),
  error: ErrorBody.nullable(),
  /** Seconds per phase (preprocess, text, image, decode, upload) and in total. */
  timings: z.record(z.string(), z.number().nonnegative()),
  /** sha256 (hex) of each artifact by artifact name. */
  checksums: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)),
  /** The model's whole text and its split (succeeded jobs). */
  text: z.object({ raw: z.string(), degradation: z.string(), caption: z.string() }).optional(),
  /** Whether the last attempt resumed from a row checkpoint, and how many generated tokens that saved. */
  resumption: z.object({ resumed: z.boolean(), tokensSaved: z.number().int().nonnegative(), checkpointDropped: z.boolean() }).optional(),
  /** Where the last attempt ran. */
  worker: z.object({ host: z.string(), pid: z.number().int() }).optional(),
});
export type JobManifest = z.infer<typeof JobManifest>;
