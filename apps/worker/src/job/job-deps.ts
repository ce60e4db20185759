/** What processing a job needs; built once by startWorker. */
import type { JobStore } from '@pure/jobs/job-store';
import type { JobQueues } from '@pure/jobs/queues';
import type { Storage } from '@pure/storage/storage';
import type { Logger } from '@pure/telemetry/logger';
import type { WorkerMetrics } from '@pure/telemetry/worker-metrics';
import type { InferenceClient } from '../inference/inference-client';
import type { ModelInfo } from '../inference/protocol';
import type { WorkerAppMetrics } from '../metrics';
import type { ActiveJobs } from './active-jobs';

export interface JobDeps {
  store: JobStore;
  queues: JobQueues;
  storage: Storage;
  inference: InferenceClient;
  /** Set once the model has loaded (no job is taken before). */
  model: () => ModelInfo;
  metrics: WorkerMetrics;
  appMetrics: WorkerAppMetrics;
  logger: Logger;
  active: ActiveJobs;
  /** Tries of a job in all (the catalog's attempts). */
  attempts: number;
  /** Lifetime of result links in webhook payloads, seconds. */
  presignTtlS: number;
}
