/**
 * Seconds-per-image and fleet size, read from BullMQ's own records, for ETAs in views and the backlog
 * gauge. Estimates, not promises: seconds per image is the median attempt of the last completed jobs,
 * workers is the number of connected BullMQ workers, and a queued job waits for the jobs ahead of it in
 * BullMQ's wait list (assumed last in line where its place cannot be read, e.g. while it waits out a backoff).
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { BatchRecord, JobRecord } from '@pure/jobs/job-record';

export interface FleetSnapshot {
  /** Median seconds of the last completed attempts; null before any job completed. */
  secondsPerJob: number | null;
  workers: number;
  /** Jobs waiting to start (waiting + prioritized). */
  waiting: number;
}

const REFRESH_MS = 10_000;
const SAMPLE = 50;

export class FleetEstimate {
  private cached: { at: number; snap: Promise<FleetSnapshot> } | null = null;

  constructor(
    private readonly queue: Pick<Queue, 'getCompleted' | 'getWorkersCount' | 'getJobCounts' | 'keys'>,
    /** The queue's Redis, for the job's place in the wait list. */
    private readonly redis: Pick<Redis, 'multi'>,
  ) {}

  /**
   * How many jobs start before this one: those nearer the end of the wait list that workers pop from
   * (RPOPLPUSH). Null when it is not in the wait list. LPOS is O(position), fine for one view at a time.
   */
  async ahead(jobId: string): Promise<number | null> {
    const [[, pos], [, len]] = (await this.redis.multi().lpos(this.queue.keys.wait, jobId).llen(this.queue.keys.wait).exec()) as [[null, number | null], [null, number]];
    return pos === null ? null : len - 1 - pos;
  }

  /** The current snapshot, read from Redis at most every 10 s. */
  snapshot(now = Date.now()): Promise<FleetSnapshot> {
    if (!this.cached || now - this.cached.at > REFRESH_MS) {
      const snap = this.read();
      // A failed read is not cached: the next caller tries again.
      snap.catch(() => (this.cached = null));
      this.cached = { at: now, snap };
    }
    return this.cached.snap;
  }

  private async read(): Promise<FleetSnapshot> {
    const [done, workers, counts] = await Promise.all([
      this.queue.getCompleted(0, SAMPLE - 1),
      this.queue.getWorkersCount(),
      this.queue.getJobCounts('waiting', 'prioritized'),
    ]);
    const seconds = done
      .filter((j) => j.processedOn && j.finishedOn)
      .map((j) => (j.finishedOn! - j.processedOn!) / 1000)
      .sort((a, b) => a - b);
    const secondsPerJob = seconds.length ? seconds[Math.floor(seconds.length / 2)] : null;
    return { secondsPerJob, workers, waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) };
  }

  /** Seconds until every waiting job has started; null while there is no measurement or no worker. */
  static backlogSeconds(s: FleetSnapshot): number | null {
    if (s.secondsPerJob === null || s.workers === 0) return s.waiting === 0 ? 0 : null;
    return (s.waiting * s.secondsPerJob) / s.workers;
  }

  /** Seconds until this job is final; null when final or unknown. `ahead`: jobs to start before it, if known. */
  static jobEta(job: Pick<JobRecord, 'status' | 'progress'>, s: FleetSnapshot, ahead: number | null = null): number | null {
    if (s.secondsPerJob === null) return null;
    if (job.status === 'running') {
      const p = job.progress;
      const left = p && p.phase === 'image' && p.total > 0 ? 1 - p.done / p.total : 1;
      return round(left * s.secondsPerJob);
    }
    if (job.status === 'queued') return queuedEta(s, ahead);
    return null;
  }

  /** Seconds until every job of the batch is final; null when complete or unknown. `ahead`: of its last queued job. */
  static batchEta(batch: Pick<BatchRecord, 'queued' | 'running' | 'completedAt'>, s: FleetSnapshot, ahead: number | null = null): number | null {
    if (batch.completedAt || s.secondsPerJob === null) return null;
    if (batch.queued > 0) return queuedEta(s, ahead);
    return batch.running > 0 ? round(s.secondsPerJob) : null;
  }
}

/**
 * A queued job: the rounds of work it waits for on every worker (the running round, then the jobs ahead of
 * it, itself included, spread over the workers), then its own; without `ahead`, as if last in line.
 */
function queuedEta(s: FleetSnapshot, ahead: number | null): number | null {
  if (s.workers === 0 || s.secondsPerJob === null) return null;
  const upTo = ahead === null ? Math.max(s.waiting, 1) : ahead + 1;
  return round((Math.ceil(upTo / s.workers) + 1) * s.secondsPerJob);
}

const round = (x: number) => Math.round(x * 10) / 10;
