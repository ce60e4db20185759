/**
 * The queue catalog: for each queue, its name, payload schema, worker lock/stall settings and retry policy.
 * Producer and consumer import the same entry, so they cannot disagree.
 */
import type { z } from 'zod';
import { JobData } from './job';
import { WebhookDelivery } from './events';

export interface QueueSpec<S extends z.ZodType> {
  name: string;
  schema: S;
  /** How long a worker's lock on a job lasts; renewed every lockDuration/2 by the worker's main thread. */
  lockDuration: number;
  /** How often workers look for jobs whose lock expired. */
  stalledInterval: number;
  /** Stalls tolerated before the job fails; >= 2 so one crash or preemption never costs the job. */
  maxStalledCount: number;
  /** Tries in all, including the first. */
  attempts: number;
  /** Delay before retry n (1-based), in ms. */
  backoffMs: readonly number[];
}

/**
 * Restoration jobs run ~256 s on an A100. Inference runs off the main thread, so the lock is renewed on
 * time and can stay short: a crashed worker's job is picked up again within about lockDuration +
 * stalledInterval, and resumes from its last row checkpoint.
 */
export const RESTORE_QUEUE: QueueSpec<typeof JobData> = {
  name: 'restore',
  schema: JobData,
  lockDuration: 60_000,
  stalledInterval: 30_000,
  maxStalledCount: 2,
  attempts: 5,
  backoffMs: [5_000, 30_000, 120_000, 600_000],
};

/** Svix's schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after the first try. */
export const WEBHOOK_RETRY_SCHEDULE_MS: readonly number[] = [
  5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
];

export const WEBHOOK_QUEUE: QueueSpec<typeof WebhookDelivery> = {
  name: 'webhooks',
  schema: WebhookDelivery,
  lockDuration: 60_000,
  stalledInterval: 30_000,
  maxStalledCount: 2,
  attempts: WEBHOOK_RETRY_SCHEDULE_MS.length + 1,
  backoffMs: WEBHOOK_RETRY_SCHEDULE_MS,
};

/** BullMQ custom backoff: the delay for attempt `attemptsMade` (1-based) from a spec's schedule. */
export function backoffDelay(spec: Pick<QueueSpec<z.ZodType>, 'backoffMs'>, attemptsMade: number): number {
  const i = Math.min(Math.max(attemptsMade, 1), spec.backoffMs.length) - 1;
  return spec.backoffMs[i];
}

/** Deliver webhooks within this long per attempt; anything slower counts as a failure. */
export const WEBHOOK_TIMEOUT_MS = 15_000;
