/** What a progress display shows about one job: status or phase, tokens done of total, ETA. */
import type { JobView } from '@pure/contracts/job';
import { formatEta } from './job-eta';

/** The fields a bar or a plain line renders. */
export interface JobLine {
  /** `queued`, a running phase (`text`, `image`, ...), or a final status. */
  state: string;
  /** Bar position: `done` of `total` (0 of 0 while unknown). */
  done: number;
  total: number;
  /** `40/64 tokens` in the token phases, the error code of a failed job, else empty. */
  detail: string;
  /** Formatted ETA, `-` when unknown. */
  eta: string;
}

/** Reads a job view (plus this client's ETA estimate) into a line. */
export function jobLine(job: JobView, etaSeconds: number | null): JobLine {
  const eta = formatEta(etaSeconds);
  if (job.status === 'succeeded' && job.result) {
    const n = job.result.stats.imageTokens;
    return { state: 'succeeded', done: n, total: n, detail: `${n}/${n} tokens`, eta: formatEta(0) };
  }
  if (job.status === 'failed' || job.status === 'canceled' || job.status === 'succeeded') {
    return { state: job.status, done: job.progress?.done ?? 0, total: job.progress?.total ?? 0, detail: job.error?.code ?? '', eta: formatEta(0) };
  }
  const p = job.progress;
  if (job.status === 'queued' || !p || p.phase === 'queued') return { state: 'queued', done: 0, total: 0, detail: '', eta };
  switch (p.phase) {
    case 'text':
      return { state: p.phase, done: p.done, total: p.total, detail: `${p.done}/${p.total} text tokens`, eta };
    case 'image':
      return { state: p.phase, done: p.done, total: p.total, detail: `${p.done}/${p.total} tokens`, eta };
    case 'preprocess':
      return { state: p.phase, done: 0, total: 1, detail: '', eta };
    default:
      // decode and upload come after the last token: the bar stays full.
      return { state: p.phase, done: 1, total: 1, detail: '', eta };
  }
}
