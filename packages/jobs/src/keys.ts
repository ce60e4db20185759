/** The one place that builds the names of our Redis keys and channels (beside BullMQ's own keys). */
export interface JobKeys {
  /** Root of our keys: `<prefix>:pure:`. */
  root: string;
  job(id: string): string;
  batch(id: string): string;
  batchJobs(id: string): string;
  idem(tenant: string, key: string): string;
  ckpt(jobId: string): string;
  tenantJobs(tenant: string): string;
  deliveries(id: string): string;
  webhookSecret(tenant: string): string;
  /** Pub/sub: job ids whose running attempt must stop at the next row. */
  cancelChannel: string;
  /** Pub/sub: progress and status changes of one job, for SSE. */
  eventsChannel(jobId: string): string;
}

/** Key names under `<prefix>:pure:`; `prefix` is the same prefix the BullMQ queues use. */
export function jobKeys(prefix: string): JobKeys {
  const root = `${prefix}:pure:`;
  return {
    root,
    job: (id) => `${root}job:${id}`,
    batch: (id) => `${root}batch:${id}`,
    batchJobs: (id) => `${root}batch:${id}:jobs`,
    idem: (tenant, key) => `${root}idem:${tenant}:${key}`,
    ckpt: (jobId) => `${root}ckpt:${jobId}`,
    tenantJobs: (tenant) => `${root}tenant:${tenant}:jobs`,
    deliveries: (id) => `${root}deliveries:${id}`,
    webhookSecret: (tenant) => `${root}whsec:${tenant}`,
    cancelChannel: `${root}cancel`,
    eventsChannel: (jobId) => `${root}events:${jobId}`,
  };
}
