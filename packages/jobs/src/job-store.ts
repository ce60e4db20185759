/** Our Redis-side job state: job and batch hashes, atomic transitions, progress, cancel flags, checkpoints. */
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import type { JobProgress, JobStatus } from '@pure/contracts/job';
import type { ErrorBody } from '@pure/contracts/error-codes';
import type { ResultRecord } from '@pure/contracts/job-manifest';
import type { Metadata, WebhookTarget } from '@pure/contracts/job';
import { jobKeys, type JobKeys } from './keys';
import { LuaScript } from './lua-script';
import { BatchRecord, JobRecord, newJobFields, type NewJob } from './job-record';

const TRANSITION = new LuaScript(readFileSync(new URL('./transition.lua', import.meta.url), 'utf8'));

/** What a transition did: `ok` false means refused (already final, wrong move, or missing: `from` ''). */
export interface TransitionResult {
  ok: boolean;
  /** Status before the call ('' when the job does not exist). */
  from: JobStatus | '';
  /** True only for the one call whose transition made every job of the batch final. */
  batchCompleted: boolean;
  batchId: string | null;
}

/** Fields a transition may set with the status. */
export interface TransitionPatch {
  result?: ResultRecord;
  error?: ErrorBody;
  progress?: JobProgress;
}

export interface NewBatch {
  id: string;
  tenant: string;
  createdAt: string;
  metadata?: Metadata;
  webhook?: WebhookTarget;
}

export interface JobStoreOptions {
  /** Seconds a final job (and a completed batch) stays in Redis; the S3 manifest outlives it. Default 7 days. */
  finalTtlS?: number;
  /** Seconds a checkpoint lives without being rewritten. Default 24 h. */
  checkpointTtlS?: number;
}

/** Job and batch state in Redis under `<prefix>:pure:`. */
export class JobStore {
  readonly keys: JobKeys;
  private readonly finalTtlS: number;
  private readonly checkpointTtlS: number;

  constructor(
    readonly redis: Redis,
    readonly prefix: string,
    opts: JobStoreOptions = {},
  ) {
    this.keys = jobKeys(prefix);
    this.finalTtlS = opts.finalTtlS ?? 7 * 24 * 3600;
    this.checkpointTtlS = opts.checkpointTtlS ?? 24 * 3600;
  }

  /** Writes a queued job's hash. Call before enqueueing it, so a worker always finds the hash. */
  async createJob(job: NewJob): Promise<void> {
    await this.redis.hset(this.keys.job(job.id), newJobFields(job));
  }

  /** Writes a batch hash, its job list and every job hash in one MULTI. */
  async createBatch(batch: NewBatch, jobs: NewJob[]): Promise<void> {
    const fields: Record<string, string> = {
      id: batch.id,
      tenant: batch.tenant,
      total: String(jobs.length),
      queued: String(jobs.length),
      createdAt: batch.createdAt,
    };
    if (batch.metadata) fields.metadata = JSON.stringify(batch.metadata);
    if (batch.webhook) fields.webhook = JSON.stringify(batch.webhook);
    const multi = this.redis.multi().hset(this.keys.batch(batch.id), fields);
    multi.rpush(this.keys.batchJobs(batch.id), ...jobs.map((j) => j.id));
    for (const job of jobs) multi.hset(this.keys.job(job.id), newJobFields({ ...job, batchId: batch.id }));
    await multi.exec();
  }

  /** Removes jobs (and their batch) that were never enqueued: the undo of a failed submit. */
  async deleteUnsubmitted(jobIds: string[], batchId?: string): Promise<void> {
    const keys = jobIds.map((id) => this.keys.job(id));
    if (batchId) keys.push(this.keys.batch(batchId), this.keys.batchJobs(batchId));
    if (keys.length > 0) await this.redis.del(...keys);
  }

  /** The job, or null when Redis no longer has it. */
  async get(jobId: string): Promise<JobRecord | null> {
    const hash = await this.redis.hgetall(this.keys.job(jobId));
    return Object.keys(hash).length === 0 ? null : JobRecord.parse(hash);
  }

  /** The batch and its job ids with their statuses, or null. */
  async getBatch(batchId: string): Promise<{ batch: BatchRecord; jobs: { id: string; status: JobStatus | null }[] } | null> {
    const [hash, ids] = await Promise.all([
      this.redis.hgetall(this.keys.batch(batchId)),
      this.redis.lrange(this.keys.batchJobs(batchId), 0, -1),
    ]);
    if (Object.keys(hash).length === 0) return null;
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hget(this.keys.job(id), 'status');
    const statuses = (await pipeline.exec()) ?? [];
    const jobs = ids.map((id, i) => ({ id, status: (statuses[i]?.[1] as JobStatus | null) ?? null }));
    return { batch: BatchRecord.parse(hash), jobs };
  }

  /**
   * Moves a job to `to` atomically: queued->running, running->running (a new attempt), running->queued,
   * and queued|running -> a final status once. Updates batch counts and publishes a status event.
   */
  async transition(jobId: string, to: JobStatus, patch: TransitionPatch = {}): Promise<TransitionResult> {
    const args: string[] = [to, new Date().toISOString(), String(this.finalTtlS), `${this.keys.root}batch:`, `${this.keys.root}events:`];
    for (const [field, value] of Object.entries(patch)) if (value !== undefined) args.push(field, JSON.stringify(value));
    const reply = (await TRANSITION.run(this.redis, [this.keys.job(jobId)], args)) as [number, string, number, string];
    return { ok: reply[0] === 1, from: reply[1] as JobStatus | '', batchCompleted: reply[2] === 1, batchId: reply[3] || null };
  }

  /** Records progress of a running job and publishes it for SSE. */
  async setProgress(jobId: string, progress: JobProgress): Promise<void> {
    const payload = JSON.stringify(progress);
    await this.redis
      .multi()
      .hset(this.keys.job(jobId), 'progress', payload)
      .publish(this.keys.eventsChannel(jobId), JSON.stringify({ type: 'progress', progress }))
      .exec();
  }

  /** Flags a running job for cancel and tells workers on the cancel channel; the worker stops at the next row. */
  async requestCancel(jobId: string): Promise<void> {
    await this.redis.multi().hset(this.keys.job(jobId), 'cancelRequested', '1').publish(this.keys.cancelChannel, jobId).exec();
  }

  /** Saves a checkpoint (JSON), replacing the previous one; it expires if the job is abandoned. */
  async saveCheckpoint(jobId: string, checkpoint: unknown): Promise<void> {
    await this.redis.set(this.keys.ckpt(jobId), JSON.stringify(checkpoint), 'EX', this.checkpointTtlS);
  }

  /** The last checkpoint parsed with `schema`, or null when none (or it does not parse: start over). */
  async loadCheckpoint<S extends z.ZodType>(jobId: string, schema: S): Promise<z.infer<S> | null> {
    const raw = await this.redis.get(this.keys.ckpt(jobId));
    if (raw === null) return null;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return null;
    }
    const parsed = schema.safeParse(value);
    return parsed.success ? parsed.data : null;
  }

  /** Deletes a job's checkpoint (after success, failure or cancel). */
  async clearCheckpoint(jobId: string): Promise<void> {
    await this.redis.del(this.keys.ckpt(jobId));
  }
}
