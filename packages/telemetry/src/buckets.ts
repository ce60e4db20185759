/** Histogram buckets shared by the metric groups, chosen for ~256 s jobs. */

/** Whole-job seconds: fine around the ~256 s reference cost, up to 30 min. */
export const JOB_SECONDS = [1, 5, 10, 30, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800];

/** One phase of a job (preprocess, text, image, decode, upload): milliseconds to the whole job. */
export const PHASE_SECONDS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 240, 480, 900, 1800];

/** Submit to start: seconds when idle, hours behind a backlog. */
export const QUEUE_WAIT_SECONDS = [0.1, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 28800, 86400];

/** Request handling: milliseconds to a minute (a batch of 1,000 multipart images). */
export const REQUEST_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** One webhook delivery attempt, up to the 15 s timeout. */
export const WEBHOOK_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 20];

/** Token entropy in nats, 0 to 10 by 0.5 (ln 16384 is about 9.7). */
export const ENTROPY_NATS = Array.from({ length: 20 }, (_, i) => (i + 1) * 0.5);

/** Chosen top-k, 1 to the default kMax 2000, roughly doubling. */
export const TOP_K = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000, 1500, 2000];
