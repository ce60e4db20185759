/**
 * The restore queue's processor: parse, start the attempt, read the input, restore (resuming from the
 * checkpoint), store every artifact and the manifest, and only then succeed. Errors say whether to retry:
 * non-retryable ones end the job at once; others leave it to BullMQ's backoff, which resumes from the
 * checkpoint; a drain hands the job back to the queue; a cancel ends it `canceled`; a lost lock leaves it
 * to the queue untouched.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { ErrorCode, type ErrorBody } from '@pure/contracts/error-codes';
import { coerceError } from '@pure/contracts/errors/coerce-error';
import { NonRetryableError } from '@pure/contracts/errors/non-retryable-error';
import { isFinal, type JobData } from '@pure/contracts/job';
import { RESTORE_QUEUE } from '@pure/contracts/queues';
import { AbortedRunError } from '../inference/aborted-run-error';
import { GenerationCheckpoint } from './checkpoint-schema';
import type { JobDeps } from './job-deps';
import { JobFinisher } from './job-finisher';
import { runRestore } from './run-restore';
import { succeed } from './succeed';

/** How an attempt ended, as BullMQ's return value. */
export type AttemptOutcome = 'succeeded' | 'canceled' | 'already-final';

const since = (t0: number) => (performance.now() - t0) / 1000;

/** The processor; `token` is BullMQ's lock token (needed to hand a job back). */
export async function processJob(deps: JobDeps, job: Job, token?: string): Promise<AttemptOutcome> {
  const parsed = RESTORE_QUEUE.schema.safeParse(job.data);
  if (!parsed.success) return invalidJob(deps, job, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const data = parsed.data;
  const log = deps.logger.child({ jobId: data.jobId, attempt: job.attemptsMade + 1 });
  const finisher = new JobFinisher(deps);
  const active = deps.active.begin(data.jobId);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const t0 = performance.now();
  deps.metrics.jobStarted((Date.now() - Date.parse(data.submittedAt)) / 1000);
  let outcome: 'succeeded' | 'failed' | 'retried' | 'canceled' | 'interrupted' = 'failed';
  try {
    const record = await deps.store.get(data.jobId);
    if (!record) throw new NonRetryableError('invalid_job_data', `job ${data.jobId} has no record in Redis`);
    if (isFinal(record.status)) {
      await finisher.publish(data.jobId); // a crash after the transition: make sure its events went out
      outcome = record.status === 'succeeded' ? 'succeeded' : record.status === 'canceled' ? 'canceled' : 'failed';
      log.info({ status: record.status }, 'job already final');
      return 'already-final';
    }
    if (record.cancelRequested) active.stop('canceled');
    if (active.reason === 'canceled') throw new AbortedRunError('canceled before it started');
    await deps.store.transition(data.jobId, 'running');
    const checkpoint = await deps.store.loadCheckpoint(data.jobId, GenerationCheckpoint);
    log.info({ resumeFrom: checkpoint ? checkpoint.counter : 0 }, 'job started');
    const t = performance.now();
    const input = await deps.storage.get(data.input.key);
    const download = since(t);
    const run = await runRestore(deps, active, data, input, checkpoint, log);
    await succeed(deps, finisher, data, run, { download, started: t0 }, log);
    outcome = 'succeeded';
    return 'succeeded';
  } catch (raw) {
    const err = coerceError(raw);
    if (err instanceof AbortedRunError && active.reason === 'drain') {
      // Back to waiting, so another worker takes it now (not after a stall), from the checkpoint just saved.
      await deps.store.transition(data.jobId, 'queued');
      if (token) await job.moveToWait(token);
      outcome = 'interrupted';
      log.info('job handed back to the queue on drain');
      throw new WaitingError();
    }
    if (err instanceof AbortedRunError && active.reason === 'lost') {
      // No state change: the record and the queue entry belong to whoever holds the lock now (or the stalled check).
      outcome = 'interrupted';
      log.warn('job stopped after its lock was lost; left to the queue');
      throw new WaitingError();
    }
    if (err instanceof AbortedRunError && active.reason === 'canceled') {
      await finisher.end(data, 'canceled', { code: 'canceled', message: 'canceled by the client' }, log);
      outcome = 'canceled';
      log.info('job canceled');
      return 'canceled';
    }
    const body: ErrorBody = { code: errorCode(err), message: err.message };
    const last = job.attemptsMade + 1 >= deps.attempts;
    if (err instanceof NonRetryableError || last) {
      const error = err instanceof NonRetryableError ? body : { code: 'attempts_exhausted' as const, message: `${body.code}: ${body.message}` };
      await finisher.end(data, 'failed', error, log);
      log.error({ err, code: error.code }, 'job failed');
      throw err instanceof NonRetryableError ? new UnrecoverableError(`${body.code}: ${body.message}`) : err;
    }
    // Queued again while BullMQ's backoff runs; the error stays in the log, not on a job that may yet succeed.
    await deps.store.transition(data.jobId, 'queued').catch(() => undefined);
    outcome = 'retried';
    log.warn({ err, code: body.code }, 'job attempt failed; it will be retried');
    throw err;
  } finally {
    deps.active.end(active);
    loop.disable();
    const loopDelayMaxMs = loop.max / 1e6;
    deps.appMetrics.loopDelayMax.set(loopDelayMaxMs / 1000);
    deps.metrics.jobFinished(outcome, since(t0));
    log.info({ outcome, seconds: since(t0), eventLoopDelayMaxMs: loopDelayMaxMs, eventLoopDelayP99Ms: loop.percentile(99) / 1e6 }, 'job attempt ended');
  }
}

function errorCode(err: Error): ErrorCode {
  const code = ErrorCode.safeParse((err as { code?: unknown }).code);
  return code.success ? code.data : 'internal';
}

/** Data that fails the shared schema: counted, logged, failed as non-retryable; the worker carries on. */
async function invalidJob(deps: JobDeps, job: Job, why: string): Promise<never> {
  deps.appMetrics.invalidJobs.inc();
  const jobId = job.id ?? '';
  deps.logger.error({ jobId, why }, 'job data does not match the shared schema');
  const error: ErrorBody = { code: 'invalid_job_data', message: `job data does not match the schema: ${why}` };
  if (jobId) await new JobFinisher(deps).settle(jobId, 'failed', { error }).catch((err: unknown) => deps.logger.warn({ err, jobId }, 'could not fail the job record'));
  throw new UnrecoverableError(`invalid_job_data: ${why}`);
}
