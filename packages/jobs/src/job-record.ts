/** A job as our Redis hash holds it: parsed with zod on every read, never cast. */
import { z } from 'zod';
import { ErrorBody } from '@pure/contracts/error-codes';
import { JobProgress, JobStatus, Metadata, StoredInput, WebhookTarget } from '@pure/contracts/job';
import { ResultRecord } from '@pure/contracts/job-manifest';
import { RestoreParams } from '@pure/contracts/params';

const json = <S extends z.ZodType>(schema: S) =>
  z.string().transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON' });
      return z.NEVER;
    }
  }).pipe(schema);

const optionalJson = <S extends z.ZodType>(schema: S) => z.union([z.literal('').transform(() => null), json(schema)]).optional().transform((v) => v ?? null);
const optionalString = z.string().optional().transform((v) => (v ? v : null));

/** The hash `job:<id>`, decoded. */
export const JobRecord = z.object({
  id: z.string().min(1),
  tenant: z.string().min(1),
  batchId: optionalString,
  status: JobStatus,
  createdAt: z.string(),
  startedAt: optionalString,
  finishedAt: optionalString,
  attempts: z.coerce.number().int().nonnegative().default(0),
  progress: optionalJson(JobProgress),
  result: optionalJson(ResultRecord),
  error: optionalJson(ErrorBody),
  cancelRequested: z.string().optional().transform((v) => v === '1'),
  params: json(RestoreParams),
  metadata: optionalJson(Metadata),
  webhook: optionalJson(WebhookTarget),
  input: json(StoredInput),
});
export type JobRecord = z.infer<typeof JobRecord>;

/** What a producer supplies to create a job. */
export interface NewJob {
  id: string;
  tenant: string;
  batchId?: string;
  params: RestoreParams;
  input: StoredInput;
  metadata?: Metadata;
  webhook?: WebhookTarget;
  createdAt: string;
}

/** The initial hash fields of a new job. */
export function newJobFields(job: NewJob): Record<string, string> {
  const fields: Record<string, string> = {
    id: job.id,
    tenant: job.tenant,
    status: 'queued',
    createdAt: job.createdAt,
    attempts: '0',
    params: JSON.stringify(job.params),
    input: JSON.stringify(job.input),
  };
  if (job.batchId) fields.batchId = job.batchId;
  if (job.metadata) fields.metadata = JSON.stringify(job.metadata);
  if (job.webhook) fields.webhook = JSON.stringify(job.webhook);
  return fields;
}

/** The hash `batch:<id>`, decoded. */
export const BatchRecord = z.object({
  id: z.string().min(1),
  tenant: z.string().min(1),
  total: z.coerce.number().int().positive(),
  queued: z.coerce.number().int().default(0),
  running: z.coerce.number().int().default(0),
  succeeded: z.coerce.number().int().default(0),
  failed: z.coerce.number().int().default(0),
  canceled: z.coerce.number().int().default(0),
  createdAt: z.string(),
  completedAt: optionalString,
  metadata: optionalJson(Metadata),
  webhook: optionalJson(WebhookTarget),
});
export type BatchRecord = z.infer<typeof BatchRecord>;
