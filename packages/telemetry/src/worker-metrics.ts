/** Metrics of one worker process (one GPU): tokens, durations, entropy and k, resumption, busy share, model load. */
import type { Counter, Gauge, Histogram } from 'prom-client';
import { ENTROPY_NATS, JOB_SECONDS, PHASE_SECONDS, QUEUE_WAIT_SECONDS, TOP_K } from './buckets';
import { BusyTracker } from './busy-tracker';
import { metricFactory, type MetricGroupOptions } from './metric-group';

export interface WorkerMetricsOptions extends MetricGroupOptions {
  /** The model package's name (e.g. `tiny`, `pure-7b`): the `model` label, one value per process. */
  model: string;
  /** Window of the busy ratio gauge in ms; default 60 s. */
  busyWindowMs?: number;
}

/**
 * `succeeded`, `failed` (final), `retried` (failed, another attempt follows), `canceled`,
 * `interrupted` (handed back to the queue on shutdown, or stopped after its queue lock was lost).
 */
export type JobOutcome = 'succeeded' | 'failed' | 'retried' | 'canceled' | 'interrupted';

/** Every job outcome, for the zero-initialised `outcome` label sets. */
export const JOB_OUTCOMES: readonly JobOutcome[] = ['succeeded', 'failed', 'retried', 'canceled', 'interrupted'];

/** The worker's metric group. Fields are the raw metrics; the methods fill the `model` label in. */
export class WorkerMetrics {
  readonly model: string;
  readonly tokensGenerated: Counter<'phase' | 'model'>;
  readonly tokensPerSecond: Gauge<'phase' | 'model'>;
  readonly jobDuration: Histogram<'outcome' | 'model'>;
  readonly phaseDuration: Histogram<'phase' | 'model'>;
  readonly queueWait: Histogram<'model'>;
  readonly tokenEntropy: Histogram<'model'>;
  readonly chosenK: Histogram<'model'>;
  readonly jobsCompleted: Counter<'outcome' | 'model'>;
  readonly jobsResumed: Counter<'model'>;
  readonly tokensSaved: Counter<'model'>;
  readonly checkpoints: Counter<'model'>;
  readonly busy: Gauge;
  readonly busyRatio: Gauge;
  readonly busySeconds: Counter;
  readonly modelLoadSeconds: Gauge<'model'>;
  readonly modelReady: Gauge<'model'>;
  private readonly tracker: BusyTracker;

  constructor(options: WorkerMetricsOptions) {
    const m = metricFactory(options);
    const tracker = (this.tracker = new BusyTracker(options.busyWindowMs));
    this.model = options.model;
    this.tokensGenerated = m.counter(
      'worker_tokens_generated_total',
      'Tokens generated, by phase (text, image); tokens restored from a checkpoint are not counted.',
      ['phase', 'model'],
    );
    this.tokensPerSecond = m.gauge(
      'worker_tokens_per_second',
      'Generation speed over the last completed image row (image) or the text phase (text).',
      ['phase', 'model'],
    );
    this.jobDuration = m.histogram(
      'worker_job_duration_seconds',
      'One attempt of a job on this worker, taken to its end: input download, restore, uploads and bookkeeping.',
      ['outcome', 'model'],
      JOB_SECONDS,
    );
    this.phaseDuration = m.histogram(
      'worker_phase_duration_seconds',
      'One phase of one attempt (preprocess, text, image, decode, upload).',
      ['phase', 'model'],
      PHASE_SECONDS,
    );
    this.queueWait = m.histogram(
      'worker_queue_wait_seconds',
      'Submit to the start of this attempt (waiting, delays and retry backoff included).',
      ['model'],
      QUEUE_WAIT_SECONDS,
    );
    this.tokenEntropy = m.histogram(
      'worker_token_entropy_nats',
      'Entropy of the guided distribution for one generated image token, in nats.',
      ['model'],
      ENTROPY_NATS,
    );
    this.chosenK = m.histogram(
      'worker_chosen_k',
      'Top-k chosen from the entropy for one generated image token.',
      ['model'],
      TOP_K,
    );
    this.jobsCompleted = m.counter('worker_jobs_completed_total', 'Job attempts ended on this worker, by outcome.', [
      'outcome',
      'model',
    ]);
    this.jobsResumed = m.counter(
      'worker_jobs_resumed_total',
      'Attempts that resumed from a checkpoint instead of starting over.',
      ['model'],
    );
    this.tokensSaved = m.counter(
      'worker_tokens_saved_by_resume_total',
      'Tokens taken from checkpoints rather than generated again.',
      ['model'],
    );
    this.checkpoints = m.counter('worker_checkpoints_total', 'Row checkpoints written to Redis.', ['model']);
    this.busy = m.gauge('worker_busy', '1 while this worker runs a job, else 0.', [], function () {
      this.set(tracker.busy ? 1 : 0);
    });
    const ratioHelp = 'Share of the last minute this worker spent running jobs, 0..1.';
    this.busyRatio = m.gauge('worker_busy_ratio', ratioHelp, [], function () {
      this.set(tracker.ratio());
    });
    let reported = 0;
    this.busySeconds = m.counter(
      'worker_busy_seconds_total',
      'Seconds spent running jobs; rate() of it is the busy ratio over any window.',
      [],
      function () {
        const total = tracker.busySeconds();
        if (total > reported) this.inc(total - reported);
        reported = total;
      },
    );
    this.modelLoadSeconds = m.gauge(
      'worker_model_load_seconds',
      'Seconds the last model load took (files fetched, sessions created).',
      ['model'],
    );
    this.modelReady = m.gauge('worker_model_ready', '1 once the model is loaded and the worker takes jobs.', ['model']);
    // Known label sets start at 0 so rate() and ratio panels read 0, not "no data", before the first event.
    const model = { model: this.model };
    for (const outcome of JOB_OUTCOMES) this.jobsCompleted.inc({ outcome, ...model }, 0);
    for (const phase of ['text', 'image']) this.tokensGenerated.inc({ phase, ...model }, 0);
    for (const counter of [this.jobsResumed, this.tokensSaved, this.checkpoints]) counter.inc(model, 0);
  }

  /** A job attempt starts; `queueWaitSeconds` is submit (or retry) time to now. */
  jobStarted(queueWaitSeconds?: number): void {
    this.tracker.set(true);
    if (queueWaitSeconds !== undefined) this.queueWait.observe({ model: this.model }, Math.max(0, queueWaitSeconds));
  }

  /** A job attempt ends with `outcome` after `seconds` on this worker. */
  jobFinished(outcome: JobOutcome, seconds: number): void {
    this.tracker.set(false);
    this.jobDuration.observe({ outcome, model: this.model }, seconds);
    this.jobsCompleted.inc({ outcome, model: this.model });
  }

  /** One phase took `seconds`. */
  phase(phase: string, seconds: number): void {
    this.phaseDuration.observe({ phase, model: this.model }, seconds);
  }

  /** `count` tokens of `phase` were generated in `seconds` (a row, or the text phase). */
  tokens(phase: 'text' | 'image', count: number, seconds?: number): void {
    this.tokensGenerated.inc({ phase, model: this.model }, count);
    if (seconds !== undefined && seconds > 0) this.tokensPerSecond.set({ phase, model: this.model }, count / seconds);
  }

  /** Entropy (nats) and chosen k of each generated image token, e.g. one row at a time. */
  tokenStats(entropies: ArrayLike<number>, ks: ArrayLike<number>): void {
    const labels = { model: this.model };
    for (let i = 0; i < entropies.length; i++) this.tokenEntropy.observe(labels, entropies[i]);
    for (let i = 0; i < ks.length; i++) this.chosenK.observe(labels, ks[i]);
  }

  /** A row checkpoint was written. */
  checkpoint(): void {
    this.checkpoints.inc({ model: this.model });
  }

  /** This attempt resumed with `tokensSaved` tokens from a checkpoint. */
  resumed(tokensSaved: number): void {
    this.jobsResumed.inc({ model: this.model });
    this.tokensSaved.inc({ model: this.model }, tokensSaved);
  }

  /** The model finished loading after `seconds`. */
  modelLoaded(seconds: number): void {
    this.modelLoadSeconds.set({ model: this.model }, seconds);
    this.modelReady.set({ model: this.model }, 1);
  }

  /** The model is gone or failed to load: the worker takes no jobs. */
  modelUnloaded(): void {
    this.modelReady.set({ model: this.model }, 0);
  }
}
