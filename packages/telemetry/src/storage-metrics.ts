/** Object store retries, fed from `@pure/storage`'s `retry.onRetry` hook by both apps. */
import type { Counter } from 'prom-client';
import { metricFactory, type MetricGroupOptions } from './metric-group';

/** Every storage operation that retries; each starts at 0 so dashboards show a series before the first retry. */
export const STORAGE_OPERATIONS = ['put', 'get', 'head', 'list', 'delete', 'deletePrefix', 'download', 'stream'] as const;

/** The storage metric group. */
export class StorageMetrics {
  /** operation: `put`, `get`, `head`, `list`, `delete`, `deletePrefix`, `download`, `stream`. */
  readonly retries: Counter<'operation'>;

  constructor(options: MetricGroupOptions) {
    const m = metricFactory(options);
    const help = 'S3 calls tried again after a 5xx, throttling or network error, by operation.';
    this.retries = m.counter('storage_retries_total', help, ['operation']);
    for (const operation of STORAGE_OPERATIONS) this.retries.inc({ operation }, 0);
  }

  /** Pass as `retry.onRetry` in the storage config. */
  readonly onRetry = (info: { operation: string }): void => {
    this.retries.inc({ operation: info.operation });
  };
}
