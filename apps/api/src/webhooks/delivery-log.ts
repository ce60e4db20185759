/** The delivery log: every attempt of every webhook about a job or batch, newest last, kept with a TTL. */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { JobKeys } from '@pure/jobs/keys';

/** One delivery attempt as `GET /v1/jobs/{id}/deliveries` lists it. */
export const DeliveryAttempt = z.object({
  webhookId: z.string(),
  type: z.string(),
  url: z.string(),
  attempt: z.number().int().positive(),
  at: z.string().datetime(),
  /** HTTP status of the answer; null when none came (refused, timeout, network). */
  status: z.number().int().nullable(),
  ok: z.boolean(),
  error: z.string().nullable(),
  durationMs: z.number().nonnegative(),
});
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>;

const KEEP = 200;
const TTL_S = 30 * 24 * 3600;

export class DeliveryLog {
  constructor(
    private readonly redis: Redis,
    private readonly keys: JobKeys,
  ) {}

  /** Appends an attempt to the log of `subjectId` (a job or batch id). */
  async record(subjectId: string, attempt: DeliveryAttempt): Promise<void> {
    const key = this.keys.deliveries(subjectId);
    await this.redis.multi().rpush(key, JSON.stringify(attempt)).ltrim(key, -KEEP, -1).expire(key, TTL_S).exec();
  }

  /** The attempts about `subjectId`, oldest first. */
  async list(subjectId: string): Promise<DeliveryAttempt[]> {
    const rows = await this.redis.lrange(this.keys.deliveries(subjectId), 0, -1);
    return rows.map((r) => DeliveryAttempt.parse(JSON.parse(r)));
  }
}
