/**
 * PromQL shared by the dashboards (and mirrored in deploy/k8s/worker-scaledobject.yaml). Metric names are
 * those of packages/telemetry/METRICS.md; tests check every `pure_` name used here against it.
 */

/** The queue-depth gauge is exported by every api replica: take one value per state (max), not the sum. */
export const depthByState = (queue: string) => `max by (state) (pure_queue_depth{queue="${queue}"})`;

/** Jobs a worker still has to run: waiting + prioritized + active (what KEDA scales on). */
export const OUTSTANDING = 'sum(max by (state) (pure_queue_depth{queue="restore",state=~"waiting|prioritized|active"}))';

/** Measured seconds per image: succeeded attempts' mean duration over `$window`. */
export const SECONDS_PER_IMAGE =
  '(sum(rate(pure_worker_job_duration_seconds_sum{outcome="succeeded"}[$window])) / sum(rate(pure_worker_job_duration_seconds_count{outcome="succeeded"}[$window])))';

/** Workers with a loaded model, taking jobs. */
export const READY_WORKERS = 'sum(pure_worker_model_ready)';

/** Work outstanding in GPU-seconds: outstanding jobs x measured seconds per image. */
export const BACKLOG_WORK_SECONDS = `(${OUTSTANDING} * ${SECONDS_PER_IMAGE})`;

/** The `q` quantile of a histogram over `$window`, all series pooled (label matchers in `match`). */
export const quantile = (q: number, metric: string, match = '') =>
  `histogram_quantile(${q}, sum by (le) (rate(${metric}_bucket${match ? `{${match}}` : ''}[$window])))`;
