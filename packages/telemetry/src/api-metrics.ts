/** Metrics of the api process: submits, HTTP requests, queue depth and backlog, webhook deliveries. */
import type { Counter, Gauge, Histogram } from 'prom-client';
import { REQUEST_SECONDS, WEBHOOK_SECONDS } from './buckets';
import { metricFactory, type MetricGroupOptions } from './metric-group';

/** Job counts by BullMQ state, e.g. `() => queue.getJobCounts()`. */
export type QueueCounts = () => Promise<Record<string, number>>;

/** A queue the api reports on at each scrape. */
export interface WatchedQueue {
  counts: QueueCounts;
  /** Estimated seconds to drain what is waiting (e.g. waiting jobs x mean job seconds / workers). */
  backlogSeconds?: () => number | Promise<number>;
}

/** Every submit outcome, for the zero-initialised `outcome` label sets. */
export const SUBMIT_OUTCOMES = ['accepted', 'replayed', 'rejected'] as const;

/** The api's metric group; counters are updated by the routes, queue gauges are read on scrape. */
export class ApiMetrics {
  /** outcome: `accepted`, `replayed` (idempotent repeat), `rejected` (a 4xx). One observation = one job. */
  readonly jobsSubmitted: Counter<'outcome'>;
  /** outcome as for jobs; one observation = one `POST /v1/batches`. */
  readonly batchesSubmitted: Counter<'outcome'>;
  /** kind: `job` or `batch`. Request received to jobs enqueued (validation and S3 upload included). */
  readonly submitDuration: Histogram<'kind'>;
  /** route is the route template (`/v1/jobs/:id`), never the raw URL; status is the numeric code. */
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  /** Jobs per queue and BullMQ state (waiting, active, delayed, failed, ...), read at each scrape. */
  readonly queueDepth: Gauge<'queue' | 'state'>;
  /** Estimated seconds to drain each queue's waiting jobs, read at each scrape. */
  readonly backlogSeconds: Gauge<'queue'>;
  /** outcome: `delivered` (2xx), `retrying` (failed, will retry), `gave_up` (last attempt failed), `blocked`. */
  readonly webhookDeliveries: Counter<'outcome' | 'event'>;
  /** One delivery attempt: connect, send, receipt of the answer (or the 15 s timeout). */
  readonly webhookDuration: Histogram<'outcome'>;

  private readonly queues = new Map<string, WatchedQueue>();

  constructor(options: MetricGroupOptions) {
    const m = metricFactory(options);
    const queues = this.queues;
    this.jobsSubmitted = m.counter('api_jobs_submitted_total', 'Jobs submitted (single or in a batch), by outcome.', [
      'outcome',
    ]);
    this.batchesSubmitted = m.counter('api_batches_submitted_total', 'Batch submits, by outcome.', ['outcome']);
    this.submitDuration = m.histogram(
      'api_submit_duration_seconds',
      'One submit request, from receipt to every job enqueued: input checks and S3 uploads included.',
      ['kind'],
      REQUEST_SECONDS,
    );
    this.httpRequests = m.counter(
      'http_requests_total',
      'HTTP requests answered, by method, route template and status code.',
      ['method', 'route', 'status'],
    );
    this.httpDuration = m.histogram(
      'http_request_duration_seconds',
      'One HTTP request, receipt to response sent, by method and route template.',
      ['method', 'route'],
      REQUEST_SECONDS,
    );
    this.queueDepth = m.gauge(
      'queue_depth',
      'Jobs in each queue by BullMQ state, read from Redis at scrape time.',
      ['queue', 'state'],
      async function () {
        this.reset();
        const all = [...queues].map(async ([queue, watched]) => {
          // A Redis hiccup leaves this queue out of one scrape rather than failing /metrics.
          const counts = await watched.counts().catch(() => null);
          for (const [state, n] of Object.entries(counts ?? {})) this.set({ queue, state }, n);
        });
        await Promise.all(all);
      },
    );
    this.backlogSeconds = m.gauge(
      'queue_backlog_seconds',
      'Estimated seconds until the jobs waiting in each queue have all started, at scrape time.',
      ['queue'],
      async function () {
        this.reset();
        for (const [queue, watched] of queues) {
          if (!watched.backlogSeconds) continue;
          const seconds = await Promise.resolve()
            .then(watched.backlogSeconds)
            .catch(() => null);
          if (seconds !== null && Number.isFinite(seconds)) this.set({ queue }, seconds);
        }
      },
    );
    this.webhookDeliveries = m.counter(
      'webhook_deliveries_total',
      'Webhook delivery attempts, by outcome and event type.',
      ['outcome', 'event'],
    );
    this.webhookDuration = m.histogram(
      'webhook_delivery_duration_seconds',
      'One webhook delivery attempt: connect, send and the answer (or the timeout), by outcome.',
      ['outcome'],
      WEBHOOK_SECONDS,
    );
    // Known outcomes start at 0 so error-ratio panels read 0, not "no data", before the first rejection.
    for (const outcome of SUBMIT_OUTCOMES) {
      this.jobsSubmitted.inc({ outcome }, 0);
      this.batchesSubmitted.inc({ outcome }, 0);
    }
  }

  /** Reports `queue`'s depth by state (and backlog, when given) at every scrape. */
  watchQueue(queue: string, watched: WatchedQueue): void {
    this.queues.set(queue, watched);
  }

  /** Counts one answered request and its duration. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
    this.httpDuration.observe({ method, route }, seconds);
  }
}
