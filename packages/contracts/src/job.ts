/** Jobs: what a client submits, what the queue carries, and what a client reads back. */
import { z } from 'zod';
import { ErrorBody } from './error-codes';
import { ParamsPatch, RestoreParams } from './params';
import { WebhookEventType } from './events';

export const JobStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'canceled']);
export type JobStatus = z.infer<typeof JobStatus>;

export const FINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'canceled'];
export function isFinal(status: JobStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/** Where an input image comes from, in a JSON submit. */
export const JobInput = z.union([
  z.object({ url: z.string().url() }).strict(),
  /** An object already in storage: `s3://bucket/key`, in a bucket the operator allows. */
  z.object({ s3: z.string().regex(/^s3:\/\/[^/]+\/.+/, 'expected s3://bucket/key') }).strict(),
  z.object({ base64: z.string().min(1) }).strict(),
]);
export type JobInput = z.infer<typeof JobInput>;

export const WebhookTarget = z
  .object({
    url: z.string().url(),
    /** Event types to send; all of them when absent. */
    events: z.array(WebhookEventType).min(1).optional(),
  })
  .strict();
export type WebhookTarget = z.infer<typeof WebhookTarget>;

/** Free-form client labels, echoed in views and webhooks. */
export const Metadata = z.record(z.string().max(64), z.string().max(512)).refine((m) => Object.keys(m).length <= 32, {
  message: 'at most 32 metadata keys',
});
export type Metadata = z.infer<typeof Metadata>;

/** JSON body of `POST /v1/jobs`. */
export const CreateJobRequest = z
  .object({ input: JobInput, params: ParamsPatch.optional(), webhook: WebhookTarget.optional(), metadata: Metadata.optional() })
  .strict();
export type CreateJobRequest = z.infer<typeof CreateJobRequest>;

/** JSON body of `POST /v1/batches`; item params override batch params field by field. */
export const CreateBatchRequest = z
  .object({
    items: z
      .array(z.object({ input: JobInput, params: ParamsPatch.optional(), metadata: Metadata.optional() }).strict())
      .min(1),
    params: ParamsPatch.optional(),
    webhook: WebhookTarget.optional(),
    metadata: Metadata.optional(),
  })
  .strict();
export type CreateBatchRequest = z.infer<typeof CreateBatchRequest>;

/** The stored input, as checked by the api before it was enqueued. */
export const StoredInput = z.object({
  key: z.string().min(1),
  format: z.enum(['png', 'jpeg', 'webp', 'tiff', 'avif']),
  bytes: z.number().int().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type StoredInput = z.infer<typeof StoredInput>;

/** The payload of a `restore` queue job. Parsed again by the worker; a mismatch fails the job, non-retryable. */
export const JobData = z.object({
  v: z.literal(1),
  jobId: z.string().min(1),
  tenant: z.string().min(1),
  batchId: z.string().min(1).optional(),
  input: StoredInput,
  params: RestoreParams,
  webhook: WebhookTarget.optional(),
  metadata: Metadata.optional(),
  submittedAt: z.string().datetime(),
});
export type JobData = z.infer<typeof JobData>;

export const Phase = z.enum(['queued', 'preprocess', 'text', 'image', 'decode', 'upload']);
export type Phase = z.infer<typeof Phase>;

export const JobProgress = z.object({ phase: Phase, done: z.number().int().nonnegative(), total: z.number().int().nonnegative() });
export type JobProgress = z.infer<typeof JobProgress>;

const Link = z.object({ url: z.string(), expiresAt: z.string().datetime() });

export const JobResult = z.object({
  image: Link,
  entropyMap: Link,
  entropyLog: Link,
  entropySummary: Link,
  manifest: Link,
  format: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  degradation: z.string(),
  caption: z.string(),
  stats: z.object({
    textTokens: z.number().int(),
    imageTokens: z.number().int(),
    resumedTokens: z.number().int(),
    meanEntropy: z.number(),
    meanK: z.number(),
    seconds: z.number(),
  }),
});
export type JobResult = z.infer<typeof JobResult>;

/** `GET /v1/jobs/{id}`. */
export const JobView = z.object({
  id: z.string(),
  object: z.literal('job'),
  status: JobStatus,
  batchId: z.string().nullable(),
  createdAt: z.string().datetime(),
  startedAt: z.string().datetime().nullable(),
  finishedAt: z.string().datetime().nullable(),
  attempts: z.number().int().nonnegative(),
  progress: JobProgress.nullable(),
  /** Estimated seconds until this job is final; null when unknown or final. */
  eta: z.number().nonnegative().nullable(),
  params: RestoreParams,
  metadata: Metadata.nullable(),
  result: JobResult.nullable(),
  error: ErrorBody.nullable(),
});
export type JobView = z.infer<typeof JobView>;

export const StatusCounts = z.object({
  queued: z.number().int(),
  running: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  canceled: z.number().int(),
});
export type StatusCounts = z.infer<typeof StatusCounts>;

/** `GET /v1/batches/{id}`. */
export const BatchView = z.object({
  id: z.string(),
  object: z.literal('batch'),
  createdAt: z.string().datetime(),
  completedAt: z.string().datetime().nullable(),
  total: z.number().int().positive(),
  counts: StatusCounts,
  jobs: z.array(z.object({ id: z.string(), status: JobStatus })),
  eta: z.number().nonnegative().nullable(),
  metadata: Metadata.nullable(),
});
export type BatchView = z.infer<typeof BatchView>;
