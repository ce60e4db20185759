/** Object store retries, fed from `@pure/storage`'s `retry.onRetry` hook by both apps. */
import type { Counter } from 'prom-client';
import { metricFactory, type MetricGroupOptions } from './metric-group';

/** The storage metric group. */
export class StorageMetrics {
  /** operation: `put`, `get`, `head`, `list`, `delete`, `deletePrefix`, `download`, `stream`. */
  readonly retries: Counter<'operation'>;

  constructor(options: MetricGroupOptions) {
    const m = metricFactory(options);
    const help = 'S3 calls tried again after a 5xx, throttling or network error, by operation.';
    this.retries = m.counter('storage_retries_total', help, ['operation']);
  }

  /** Pass as `retry.onRetry` in the storage config. */
  readonly onRetry = (info: { operation: string }): void => {
    this.retries.inc({ operation: info.operation });
  };
}
