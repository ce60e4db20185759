/**
 * Seconds-per-image and fleet size, read from BullMQ's own records, for ETAs in views and the backlog
 * gauge. Estimates, not promises: seconds per image is the median attempt of the last completed jobs,
 * workers is the number of connected BullMQ workers, and a queued job is assumed last in line.
 */
import type { Queue } from 'bullmq';
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

  constructor(private readonly queue: Pick<Queue, 'getCompleted' | 'getWorkersCount' | 'getJobCounts'>) {}

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

  /** Seconds until this job is final; null when final or unknown. */
  static jobEta(job: Pick<JobRecord, 'status' | 'progress'>, s: FleetSnapshot): number | null {
    if (s.secondsPerJob === null) return null;
    if (job.status === 'running') {
      const p = job.progress;
      const left = p && p.phase === 'image' && p.total > 0 ? 1 - p.done / p.total : 1;
      return round(left * s.secondsPerJob);
    }
    if (job.status === 'queued') return queuedEta(s);
    return null;
  }

  /** Seconds until every job of the batch is final; null when complete or unknown. */
  static batchEta(batch: Pick<BatchRecord, 'queued' | 'running' | 'completedAt'>, s: FleetSnapshot): number | null {
    if (batch.completedAt || s.secondsPerJob === null) return null;
    if (batch.queued > 0) return queuedEta(s);
    return batch.running > 0 ? round(s.secondsPerJob) : null;
  }
}

/** A queued job as if last in line: the rounds of work ahead of it on every worker, then its own. */
function queuedEta(s: FleetSnapshot): number | null {
  if (s.workers === 0 || s.secondsPerJob === null) return null;
  return round((Math.ceil(s.waiting / s.workers) + 1) * s.secondsPerJob);
}

const round = (x: number) => Math.round(x * 10) / 10;
