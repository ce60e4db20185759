/** The jobs dashboard: where a job's time goes, entropy and k, resumption, webhooks latency, model loads. */
import { customVariable, dashboard, distribution, heatmap, row, stat, timeseries } from './panels';
import { quantile } from './queries';

const saved = 'sum(increase(pure_worker_tokens_saved_by_resume_total[$window]))';
const generated = 'sum(increase(pure_worker_tokens_generated_total[$window]))';

/** The jobs dashboard's JSON. */
export function jobsDashboard(): Record<string, unknown> {
  const panels = [
    row('Time by phase', 0),
    timeseries('Mean seconds per phase', 'Mean duration of each phase of an attempt (preprocess, text, image, decode, upload) over $window.', { x: 0, y: 1, w: 12, h: 8 }, [
      {
        expr: 'sum by (phase) (rate(pure_worker_phase_duration_seconds_sum[$window])) / sum by (phase) (rate(pure_worker_phase_duration_seconds_count[$window]))',
        legend: '{{phase}}',
      },
    ], 's', true),
    timeseries('Fleet time by phase', 'Worker-seconds per second spent in each phase: how many GPUs each phase keeps busy.', { x: 12, y: 1, w: 12, h: 8 }, [
      { expr: 'sum by (phase) (rate(pure_worker_phase_duration_seconds_sum[$window]))', legend: '{{phase}}' },
    ], 'short', true),
    timeseries('Phase p90', 'p90 duration of each phase over $window.', { x: 0, y: 9, w: 24, h: 7 }, [
      { expr: 'histogram_quantile(0.9, sum by (le, phase) (rate(pure_worker_phase_duration_seconds_bucket[$window])))', legend: '{{phase}}' },
    ], 's'),
    row('Entropy and top-k', 16),
    heatmap('Token entropy', 'Entropy (nats) of the guided distribution of each generated image token, over time.', { x: 0, y: 17, w: 12, h: 8 }, [
      { expr: 'sum by (le) (increase(pure_worker_token_entropy_nats_bucket[$__rate_interval]))', legend: '{{le}}', format: 'heatmap' },
    ]),
    heatmap('Chosen k', 'Top-k chosen from the entropy for each generated image token, over time.', { x: 12, y: 17, w: 12, h: 8 }, [
      { expr: 'sum by (le) (increase(pure_worker_chosen_k_bucket[$__rate_interval]))', legend: '{{le}}', format: 'heatmap' },
    ]),
    distribution('Entropy distribution', 'Image tokens per entropy bucket (nats, upper bound) over $window.', { x: 0, y: 25, w: 12, h: 7 }, [
      { expr: 'sum by (le) (increase(pure_worker_token_entropy_nats_bucket[$window]))', legend: '{{le}}', format: 'heatmap', instant: true },
    ]),
    distribution('k distribution', 'Image tokens per chosen-k bucket (upper bound) over $window.', { x: 12, y: 25, w: 12, h: 7 }, [
      { expr: 'sum by (le) (increase(pure_worker_chosen_k_bucket[$window]))', legend: '{{le}}', format: 'heatmap', instant: true },
    ]),
    timeseries('Entropy and k percentiles', 'p50 and p90 of token entropy (nats) and of the chosen k over $window.', { x: 0, y: 32, w: 24, h: 7 }, [
      { expr: quantile(0.5, 'pure_worker_token_entropy_nats'), legend: 'entropy p50' },
      { expr: quantile(0.9, 'pure_worker_token_entropy_nats'), legend: 'entropy p90' },
      { expr: quantile(0.5, 'pure_worker_chosen_k'), legend: 'k p50' },
      { expr: quantile(0.9, 'pure_worker_chosen_k'), legend: 'k p90' },
    ]),
    row('Resumption', 39),
    stat('Resumed attempts', 'Attempts that resumed from a row checkpoint over $window.', { x: 0, y: 40, w: 6, h: 5 }, [
      { expr: 'sum(increase(pure_worker_jobs_resumed_total[$window]))' },
    ], 'short', 0),
    stat('Tokens saved', 'Tokens taken from checkpoints instead of generated again, over $window.', { x: 6, y: 40, w: 6, h: 5 }, [{ expr: saved }], 'short', 0),
    stat('Saved share', 'Tokens saved by resumption as a share of all tokens (saved + generated) over $window.', { x: 12, y: 40, w: 6, h: 5 }, [
      { expr: `${saved} / clamp_min(${saved} + ${generated}, 1)` },
    ], 'percentunit'),
    stat('Interrupted attempts', 'Attempts handed back on shutdown (drain) over $window; their jobs resume elsewhere.', { x: 18, y: 40, w: 6, h: 5 }, [
      { expr: 'sum(increase(pure_worker_jobs_completed_total{outcome="interrupted"}[$window]))' },
    ], 'short', 0),
    timeseries('Resumptions and checkpoints', 'Per hour: resumed attempts, tokens saved (right), row checkpoints written.', { x: 0, y: 45, w: 24, h: 7 }, [
      { expr: 'sum(rate(pure_worker_jobs_resumed_total[$window])) * 3600', legend: 'resumed attempts / h' },
      { expr: 'sum(rate(pure_worker_tokens_saved_by_resume_total[$window])) * 3600', legend: 'tokens saved / h' },
      { expr: 'sum(rate(pure_worker_checkpoints_total[$window])) * 3600', legend: 'checkpoints / h' },
    ]),
    row('Api, webhooks and models', 52),
    timeseries('Submit latency', 'One submit request to every job enqueued (S3 uploads included): p50 and p99 by kind.', { x: 0, y: 53, w: 8, h: 7 }, [
      { expr: 'histogram_quantile(0.5, sum by (le, kind) (rate(pure_api_submit_duration_seconds_bucket[$window])))', legend: 'p50 {{kind}}' },
      { expr: 'histogram_quantile(0.99, sum by (le, kind) (rate(pure_api_submit_duration_seconds_bucket[$window])))', legend: 'p99 {{kind}}' },
    ], 's'),
    timeseries('Webhook delivery latency', 'One delivery attempt: p50 and p90 by outcome.', { x: 8, y: 53, w: 8, h: 7 }, [
      { expr: 'histogram_quantile(0.5, sum by (le, outcome) (rate(pure_webhook_delivery_duration_seconds_bucket[$window])))', legend: 'p50 {{outcome}}' },
      { expr: 'histogram_quantile(0.9, sum by (le, outcome) (rate(pure_webhook_delivery_duration_seconds_bucket[$window])))', legend: 'p90 {{outcome}}' },
    ], 's'),
    timeseries('Model load time', 'Seconds the last model load took on each worker (fetch and session creation).', { x: 16, y: 53, w: 8, h: 7 }, [
      { expr: 'max by (instance, model) (pure_worker_model_load_seconds)', legend: '{{instance}} {{model}}' },
    ], 's'),
  ];
  return dashboard('pure-jobs', 'pure-serve: jobs', 'Inside the jobs: time by phase, entropy and top-k, resumption, api and webhook latency.', panels, [
    customVariable('window', 'Window', ['5m', '15m', '30m', '1h', '3h', '6h', '24h'], '1h', 'Averaging window for rates, distributions and percentiles.'),
  ]);
}
