/** The jobs running on this worker, and why one was asked to stop (cancel or drain). */
import type { StopReason } from '../inference/protocol';

/** One running job's stop switch. */
export class ActiveJob {
  private why: StopReason | null = null;
  private onStop: ((reason: StopReason) => void) | null = null;

  constructor(readonly jobId: string) {}

  /** Why it was asked to stop, or null. */
  get reason(): StopReason | null {
    return this.why;
  }

  /**
   * Asks the job to stop. A lost lock outranks the rest (the job is no longer ours to end or hand back; its
   * next owner sees any cancel on the record); a cancel outranks a drain (a cancelled job is not handed back).
   */
  stop(reason: StopReason): void {
    if (this.why === 'lost' || (this.why === 'canceled' && reason !== 'lost')) return;
    this.why = reason;
    this.onStop?.(reason);
  }

  /** Where a stop goes while inference runs; applied at once if one was asked before. */
  whenStopped(fn: (reason: StopReason) => void): void {
    this.onStop = fn;
    if (this.why) fn(this.why);
  }
}

/** Running jobs by id. */
export class ActiveJobs {
  private readonly jobs = new Map<string, ActiveJob>();

  begin(jobId: string): ActiveJob {
    const job = new ActiveJob(jobId);
    this.jobs.set(jobId, job);
    return job;
  }

  end(job: ActiveJob): void {
    if (this.jobs.get(job.jobId) === job) this.jobs.delete(job.jobId);
  }

  get(jobId: string): ActiveJob | undefined {
    return this.jobs.get(jobId);
  }

  /** Stops every running job (a drain whose grace period ran out). */
  stopAll(reason: StopReason): void {
    for (const job of this.jobs.values()) job.stop(reason);
  }

  get size(): number {
    return this.jobs.size;
  }
}
