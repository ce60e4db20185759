/**
 * One restore inside the inference thread: forwards progress at most once per image row, batches token
 * records per row, posts each row checkpoint, and reports the result or the error.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { NonRetryableError } from '@pure/contracts/errors/non-retryable-error';
import type { RestoreParams } from '@pure/contracts/params';
import type { TokenRecord } from '@pure/pipeline/generate';
import type { FromThread, TokenBatch } from './protocol';
import type { GenerationCheckpoint, RestorePhase, Restorer, RestoreResult } from './restorer';
import { toWireError } from './wire-error';

export interface ThreadJob {
  jobId: string;
  input: Uint8Array;
  params: RestoreParams;
  checkpoint: GenerationCheckpoint | null;
}

type Post = (message: FromThread, transfer?: ArrayBuffer[]) => void;

class RowBatcher {
  private records: TokenRecord[] = [];
  private last = performance.now();
  constructor(
    private readonly jobId: string,
    private readonly post: Post,
  ) {}

  add(r: TokenRecord): void {
    this.records.push(r);
  }

  /** Marks where the image phase started, so the first row's speed is measured from there. */
  startClock(): void {
    this.last = performance.now();
  }

  flush(): void {
    const n = this.records.length;
    if (n === 0) return;
    const now = performance.now();
    const batch: TokenBatch = {
      rows: Int32Array.from(this.records, (r) => r.row),
      cols: Int32Array.from(this.records, (r) => r.col),
      entropies: Float32Array.from(this.records, (r) => r.entropy),
      ks: Float32Array.from(this.records, (r) => r.k),
      tokenIds: Int32Array.from(this.records, (r) => r.tokenId),
      seconds: (now - this.last) / 1000,
    };
    this.last = now;
    this.records = [];
    const transfer = [batch.rows, batch.cols, batch.entropies, batch.ks, batch.tokenIds].map((a) => a.buffer as ArrayBuffer);
    this.post({ type: 'tokens', jobId: this.jobId, batch }, transfer);
  }
}

/** Runs `job` on `restorer` and posts every message of its life; never throws. */
export async function runThreadJob(restorer: Restorer, job: ThreadJob, signal: AbortSignal, post: Post, rowDelayMs: number): Promise<void> {
  const started = performance.now();
  const phaseSeconds: Record<string, number> = {};
  let phase: RestorePhase | null = null;
  let phaseAt = started;
  let lastStep = -1;
  const batcher = new RowBatcher(job.jobId, post);
  const onProgress = (p: { phase: RestorePhase; done: number; total: number }) => {
    const now = performance.now();
    if (p.phase !== phase) {
      if (phase) phaseSeconds[phase] = (phaseSeconds[phase] ?? 0) + (now - phaseAt) / 1000;
      phase = p.phase;
      phaseAt = now;
      lastStep = -1;
      if (p.phase === 'image') batcher.startClock();
    }
    // At most once per image row: `grid` steps over the phase (row boundaries when total is in tokens).
    const grid = restorer.manifest.image.size / restorer.manifest.image.downsample;
    const step = p.total > 0 ? Math.floor((p.done * grid) / p.total) : 0;
    if (step === lastStep && p.done !== p.total) return;
    lastStep = step;
    post({ type: 'progress', jobId: job.jobId, phase: p.phase, done: p.done, total: p.total });
  };
  const options = {
    signal,
    onProgress,
    onToken: (r: TokenRecord) => batcher.add(r),
    onCheckpoint: async (c: GenerationCheckpoint) => {
      batcher.flush();
      post({ type: 'checkpoint', jobId: job.jobId, checkpoint: c });
      if (rowDelayMs > 0) await sleep(rowDelayMs, undefined, { signal }).catch(() => undefined);
    },
  };
  let checkpointDropped = false;
  try {
    let result: RestoreResult;
    try {
      result = await restorer.restore(job.input, job.params, { ...options, ...(job.checkpoint ? { checkpoint: job.checkpoint } : {}) });
    } catch (err) {
      // The job data was checked on the main thread, so invalid_job_data here means the checkpoint: start over.
      if (!(job.checkpoint && err instanceof NonRetryableError && err.code === 'invalid_job_data')) throw err;
      checkpointDropped = true;
      phase = null;
      result = await restorer.restore(job.input, job.params, options);
    }
    batcher.flush();
    const now = performance.now();
    if (phase) phaseSeconds[phase] = (phaseSeconds[phase] ?? 0) + (now - phaseAt) / 1000;
    // Copied, not transferred: a small Buffer may share its ArrayBuffer with Node's pool.
    post({ type: 'result', jobId: job.jobId, run: { result, phaseSeconds, restoreSeconds: (now - started) / 1000, checkpointDropped } });
  } catch (err) {
    batcher.flush();
    post({ type: 'error', jobId: job.jobId, error: toWireError(signal.aborted ? abortErrorOf(err) : err) });
  }
}

function abortErrorOf(err: unknown): Error {
  const e = new Error(`run aborted: ${(err as Error)?.message ?? String(err)}`);
  e.name = 'AbortError';
  return e;
}
