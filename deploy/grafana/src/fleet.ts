/** The fleet dashboard: throughput, queue, backlog and ETA, capacity, errors, webhooks. */
import { customVariable, dashboard, row, stat, timeseries } from './panels';
import { BACKLOG_WORK_SECONDS, OUTSTANDING, READY_WORKERS, SECONDS_PER_IMAGE, depthByState, quantile } from './queries';

const images = 'sum(rate(pure_worker_jobs_completed_total{outcome="succeeded"}[$window])) * 3600';

/** The fleet dashboard's JSON. */
export function fleetDashboard(): Record<string, unknown> {
  const panels = [
    row('Throughput', 0),
    stat('Images / hour', 'Succeeded jobs per hour over $window, whole fleet.', { x: 0, y: 1, w: 4, h: 4 }, [{ expr: images }], 'short', 1),
    stat('Tokens / s', 'Tokens generated per second (text and image phases), whole fleet.', { x: 4, y: 1, w: 4, h: 4 }, [
      { expr: 'sum(rate(pure_worker_tokens_generated_total[$__rate_interval]))' },
    ], 'short', 1),
    stat('Workers ready', 'Workers with a loaded model, taking jobs.', { x: 8, y: 1, w: 4, h: 4 }, [{ expr: READY_WORKERS }]),
    stat('Busy share', 'Share of worker time spent running jobs over $window, whole fleet.', { x: 12, y: 1, w: 4, h: 4 }, [
      { expr: 'sum(rate(pure_worker_busy_seconds_total[$window])) / count(pure_worker_busy)' },
    ], 'percentunit'),
    stat('Seconds / image', 'Mean duration of a succeeded attempt over $window (the capacity panel uses it).', { x: 16, y: 1, w: 4, h: 4 }, [
      { expr: SECONDS_PER_IMAGE },
    ], 's'),
    stat('Outstanding jobs', 'restore queue: waiting + prioritized + active (what KEDA scales on).', { x: 20, y: 1, w: 4, h: 4 }, [{ expr: OUTSTANDING }]),
    timeseries('Images / hour', 'Succeeded jobs per hour, whole fleet and per worker.', { x: 0, y: 5, w: 12, h: 8 }, [
      { expr: images, legend: 'total' },
      { expr: 'sum by (instance) (rate(pure_worker_jobs_completed_total{outcome="succeeded"}[$window])) * 3600', legend: '{{instance}}' },
    ]),
    timeseries('Tokens / s', 'Tokens generated per second, in total and per worker (checkpointed tokens excluded).', { x: 12, y: 5, w: 12, h: 8 }, [
      { expr: 'sum(rate(pure_worker_tokens_generated_total[$__rate_interval]))', legend: 'total' },
      { expr: 'sum by (instance) (rate(pure_worker_tokens_generated_total[$__rate_interval]))', legend: '{{instance}}' },
      { expr: 'sum by (instance, phase) (pure_worker_tokens_per_second)', legend: 'last row {{instance}} {{phase}}' },
    ], 'short'),
    row('Queue and backlog', 13),
    timeseries('Queue depth by state', 'Jobs in the $queue queue by BullMQ state.', { x: 0, y: 14, w: 12, h: 8 }, [
      { expr: depthByState('$queue'), legend: '{{state}}' },
    ], 'short', true),
    timeseries('Backlog and ETA', 'Outstanding work in GPU-seconds (outstanding jobs x seconds/image); ETA = that / ready workers; the api\'s own estimate of the wait for the last waiting job.', { x: 12, y: 14, w: 12, h: 8 }, [
      { expr: BACKLOG_WORK_SECONDS, legend: 'backlog (GPU-seconds)' },
      { expr: `${BACKLOG_WORK_SECONDS} / clamp_min(${READY_WORKERS}, 1)`, legend: 'ETA to drain' },
      { expr: 'max by (queue) (pure_queue_backlog_seconds{queue="restore"})', legend: 'api estimate ({{queue}})' },
    ], 's'),
    row('Capacity', 22),
    stat('Workers needed', 'Workers that drain the outstanding restore jobs within $target_minutes minutes at the measured seconds/image: ceil(outstanding x s/image / target).', { x: 0, y: 23, w: 6, h: 6 }, [
      { expr: `ceil(${BACKLOG_WORK_SECONDS} / ($target_minutes * 60))` },
    ]),
    timeseries('Workers needed vs ready', 'Workers needed to drain within $target_minutes minutes, against workers ready and busy now.', { x: 6, y: 23, w: 18, h: 6 }, [
      { expr: `ceil(${BACKLOG_WORK_SECONDS} / ($target_minutes * 60))`, legend: 'needed' },
      { expr: READY_WORKERS, legend: 'ready' },
      { expr: 'sum(pure_worker_busy)', legend: 'busy' },
    ]),
    row('Latency', 29),
    timeseries('Job duration', 'One attempt on a worker, taken to final: p50, p90, p99 over $window (succeeded attempts).', { x: 0, y: 30, w: 12, h: 8 }, [
      { expr: quantile(0.5, 'pure_worker_job_duration_seconds', 'outcome="succeeded"'), legend: 'p50' },
      { expr: quantile(0.9, 'pure_worker_job_duration_seconds', 'outcome="succeeded"'), legend: 'p90' },
      { expr: quantile(0.99, 'pure_worker_job_duration_seconds', 'outcome="succeeded"'), legend: 'p99' },
    ], 's'),
    timeseries('Queue wait', 'Submit (or retry) to the start of an attempt: p50, p90, p99 over $window.', { x: 12, y: 30, w: 12, h: 8 }, [
      { expr: quantile(0.5, 'pure_worker_queue_wait_seconds'), legend: 'p50' },
      { expr: quantile(0.9, 'pure_worker_queue_wait_seconds'), legend: 'p90' },
      { expr: quantile(0.99, 'pure_worker_queue_wait_seconds'), legend: 'p99' },
    ], 's'),
    row('Errors and webhooks', 38),
    timeseries('Job attempt outcomes', 'Attempts ending per hour by outcome (retried: another attempt follows; interrupted: handed back on shutdown).', { x: 0, y: 39, w: 8, h: 8 }, [
      { expr: 'sum by (outcome) (rate(pure_worker_jobs_completed_total[$window])) * 3600', legend: '{{outcome}}' },
    ], 'short', true),
    timeseries('Error rates', 'Failed share of final job outcomes; 5xx share of api responses; rejected share of submits.', { x: 8, y: 39, w: 8, h: 8 }, [
      {
        expr: 'sum(rate(pure_worker_jobs_completed_total{outcome="failed"}[$window])) / sum(rate(pure_worker_jobs_completed_total{outcome=~"succeeded|failed"}[$window]))',
        legend: 'jobs failed',
      },
      { expr: 'sum(rate(pure_http_requests_total{status=~"5.."}[$window])) / sum(rate(pure_http_requests_total[$window]))', legend: 'api 5xx' },
      { expr: 'sum(rate(pure_api_jobs_submitted_total{outcome="rejected"}[$window])) / sum(rate(pure_api_jobs_submitted_total[$window]))', legend: 'submits rejected' },
    ], 'percentunit'),
    timeseries('Webhook outcomes', 'Delivery attempts per minute by outcome (delivered, retrying, gave_up, blocked).', { x: 16, y: 39, w: 8, h: 8 }, [
      { expr: 'sum by (outcome) (rate(pure_webhook_deliveries_total[$window])) * 60', legend: '{{outcome}}' },
    ], 'short', true),
    timeseries('Storage retries', 'S3 calls tried again after a 5xx, throttling or network error, per minute by operation.', { x: 0, y: 47, w: 12, h: 6 }, [
      { expr: 'sum by (operation) (rate(pure_storage_retries_total[$window])) * 60', legend: '{{operation}}' },
    ]),
    timeseries('Worker busy share', 'Share of the last minute each worker spent running jobs.', { x: 12, y: 47, w: 12, h: 6 }, [
      { expr: 'max by (instance) (pure_worker_busy_ratio)', legend: '{{instance}}' },
    ], 'percentunit'),
  ];
  return dashboard('pure-fleet', 'pure-serve: fleet', 'Throughput, queue, backlog, capacity and errors of the pure-serve fleet.', panels, [
    customVariable('window', 'Window', ['5m', '15m', '30m', '1h', '3h', '6h', '24h'], '15m', 'Averaging window for job-level rates and percentiles (jobs last minutes).'),
    customVariable('target_minutes', 'Drain target (min)', ['15', '30', '60', '120', '240', '480'], '60', 'Capacity panel: drain the outstanding jobs within this many minutes.'),
    customVariable('queue', 'Queue', ['restore', 'webhooks'], 'restore', 'Queue shown in the depth panel.'),
  ]);
}
