/**
 * Per-job ETA from the rate seen by this client: tokens done since the current phase was first seen, over
 * the time since then. The api's own `eta` wins when it gives one.
 */
import type { JobView } from '@pure/contracts/job';

interface PhaseMark {
  phase: string;
  at: number;
  done: number;
}

/** Remembers where each job's current phase started; `eta()` extrapolates its rate to the end of the phase. */
export class JobEta {
  private readonly marks = new Map<string, PhaseMark>();

  /** Seconds until `job` is done by this estimate; null when unknown (no progress yet) and 0 when final. */
  eta(job: JobView, now: number = Date.now()): number | null {
    if (job.finishedAt) return 0;
    if (job.eta !== null) return job.eta;
    const p = job.progress;
    if (!p || p.total === 0) return null;
    const mark = this.marks.get(job.id);
    if (!mark || mark.phase !== p.phase || p.done < mark.done) {
      this.marks.set(job.id, { phase: p.phase, at: now, done: p.done });
      return null;
    }
    const progressed = p.done - mark.done;
    if (progressed <= 0) return null;
    return ((p.total - p.done) * (now - mark.at)) / progressed / 1000;
  }
}

/** `12s`, `3m05s`, `1h02m`, or `-` when unknown. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '-';
  const s = Math.ceil(seconds); // a running job never shows 0s
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
